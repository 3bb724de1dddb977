import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { seedParents } from '../support/msp.js';
import { build } from '../support/factories.js';
import { api, auditRowsOf, credentialBody } from './support.js';

type Headers = Record<string, string>;

describeEachDialect('credential authorization', (t) => {
  const a = api(t);
  /** Status of every per-credential endpoint for one caller. */
  async function statuses(id: string, headers: Headers) {
    return {
      get: (await a.get(`/api/credentials/${id}`, headers)).statusCode,
      versions: (await a.get(`/api/credentials/${id}/versions`, headers)).statusCode,
      history: (await a.get(`/api/credential-audit-logs?credential_id=${id}`, headers)).statusCode,
      reveal: (await a.reveal(id, { reason: 'matrix' }, headers)).statusCode,
      totp: (await a.get(`/api/credentials/${id}/totp`, headers)).statusCode,
      grants: (await a.get(`/api/credentials/${id}/permissions`, headers)).statusCode,
      patch: (await a.patch(id, { notes: `changed by ${headers.authorization.slice(-6)}` }, headers)).statusCode,
    };
  }
  const listed = async (id: string, headers: Headers) =>
    (await a.get('/api/credentials?limit=500', headers)).json().items.some((c: { id: string }) => c.id === id);
  const ALL = (s: number) => ({ get: s, versions: s, history: s, reveal: s, totp: s, grants: s, patch: s });

  it('admin, viewer, technician in scope and out of scope', async () => {
    const [p, q] = [await seedParents(t()), await seedParents(t())];
    const id = (await a.create(credentialBody({ client_id: p.client_id }))).json().id;
    const viewer = await t().makeUser('viewer');
    const inScope = await t().makeUser('technician', { client_scope: [p.client_id] });
    const outOfScope = await t().makeUser('technician', { client_scope: [q.client_id] });
    const scopedViewer = await t().makeUser('viewer', { client_scope: [q.client_id] });

    expect(await statuses(id, t().adminHeaders)).toEqual(ALL(200));
    expect(await statuses(id, inScope.headers)).toEqual({ ...ALL(200), grants: 200 });
    expect(await statuses(id, viewer.headers)).toEqual({ get: 200, versions: 200, history: 200, reveal: 403, totp: 403, grants: 403, patch: 403 });
    expect(await statuses(id, outOfScope.headers)).toEqual(ALL(404));
    // A viewer's write is refused on the role before any lookup (403 for every id, so it tells nothing).
    expect(await statuses(id, scopedViewer.headers)).toEqual({ ...ALL(404), patch: 403 });
    expect(await listed(id, outOfScope.headers)).toBe(false);
    expect(await listed(id, inScope.headers)).toBe(true);
    expect(await listed(id, viewer.headers)).toBe(true);

    // Refused writes change nothing.
    const before = await t().db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect((await a.del(`/api/credentials/${id}`, outOfScope.headers)).statusCode).toBe(404);
    expect((await a.patch(id, { password: 'x-PLANTED' }, outOfScope.headers)).statusCode).toBe(404);
    expect((await a.del(`/api/credentials/${id}`, viewer.headers)).statusCode).toBe(403);
    expect((await a.put(`/api/credentials/${id}/permissions/${outOfScope.user.id}`, { level: 'manage' }, outOfScope.headers)).statusCode).toBe(404);
    expect(await t().db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).toEqual(before);
    // A viewer cannot create; a scoped technician cannot create for a client outside their scope.
    expect((await a.create(credentialBody({ client_id: p.client_id }), viewer.headers)).statusCode).toBe(403);
    expect((await a.create(credentialBody({ client_id: p.client_id }), outOfScope.headers)).statusCode).toBe(422);
    expect((await a.get('/api/credential-audit-logs', inScope.headers)).statusCode).toBe(403);
  });

  it('per-credential grants on a restricted credential: none, view, reveal, manage, expired', async () => {
    const p = await seedParents(t());
    const owner = await t().makeUser('technician', { client_scope: [p.client_id] });
    const other = await t().makeUser('technician', { client_scope: [p.client_id] });
    const viewer = await t().makeUser('viewer');
    const id = (await a.create(credentialBody({ client_id: p.client_id, restricted: true }), owner.headers)).json().id;

    // Whoever restricts keeps managing it; everyone else but admins needs a grant.
    expect(await statuses(id, owner.headers)).toEqual(ALL(200));
    expect(await statuses(id, other.headers)).toEqual(ALL(404));
    expect(await listed(id, other.headers)).toBe(false);
    expect(await statuses(id, t().adminHeaders)).toEqual(ALL(200));

    const grant = (userId: string, level: string, extra: Record<string, unknown> = {}) =>
      a.put(`/api/credentials/${id}/permissions/${userId}`, { level, ...extra }, owner.headers);
    expect((await grant(other.user.id, 'view')).statusCode).toBe(200);
    expect(await statuses(id, other.headers)).toEqual({ get: 200, versions: 200, history: 200, reveal: 403, totp: 403, grants: 403, patch: 403 });
    expect(await listed(id, other.headers)).toBe(true);
    const forbidden = await a.reveal(id, {}, other.headers);
    expect(forbidden.json()).toMatchObject({ status: 403, code: 'permission_required' });
    expect(forbidden.body).not.toContain('PLANTED');

    await grant(other.user.id, 'reveal');
    expect(await statuses(id, other.headers)).toEqual({ ...ALL(200), grants: 403, patch: 403 });
    await grant(other.user.id, 'manage');
    expect(await statuses(id, other.headers)).toEqual(ALL(200));

    await grant(other.user.id, 'manage', { expires_at: '2020-01-01T00:00:00Z' });
    expect(await statuses(id, other.headers)).toEqual(ALL(404));
    expect(await listed(id, other.headers)).toBe(false);

    // A viewer's grant is capped by the role: viewers never reveal.
    await grant(viewer.user.id, 'reveal');
    expect((await a.get(`/api/credentials/${id}`, viewer.headers)).statusCode).toBe(200);
    expect((await a.reveal(id, {}, viewer.headers)).statusCode).toBe(403);

    expect((await a.get(`/api/credentials/${id}/permissions`, owner.headers)).json().items.map((g: { user_id: string; level: string }) => [g.user_id, g.level]).sort())
      .toEqual([[owner.user.id, 'manage'], [other.user.id, 'manage'], [viewer.user.id, 'reveal']].sort());
    expect((await a.del(`/api/credentials/${id}/permissions/${viewer.user.id}`, owner.headers)).statusCode).toBe(204);
    expect((await a.get(`/api/credentials/${id}`, viewer.headers)).statusCode).toBe(404);
  });

  it('API keys: a read-only key stops at metadata, `reveal` must be granted as a scope, and no key mints a scope it lacks; its machine is recorded', async () => {
    const machine = (await t().app.inject({ method: 'POST', url: '/api/machines', headers: t().adminHeaders, payload: build.machine() })).json().id;
    const mint = async (scopes: string[] | null, headers: Headers = t().adminHeaders) =>
      t().app.inject({ method: 'POST', url: '/api/api-keys', headers, payload: { name: `k-${scopes?.join('-') ?? 'full'}`, scopes, machine_id: machine } });
    const bearer = async (scopes: string[] | null) => {
      const key = await mint(scopes);
      expect(key.statusCode).toBe(201);
      return { id: key.json().id as string, headers: { authorization: `Bearer ${key.json().key}` } };
    };
    const id = (await a.create(credentialBody())).json().id;
    const [ro, rw, roReveal, full] = [await bearer(['read']), await bearer(['read', 'write']), await bearer(['read', 'reveal']), await bearer(null)];

    // Hooks and MCP keys with ["read"] (or even ["read","write"]) never decrypt.
    expect(await statuses(id, ro.headers)).toEqual({ get: 200, versions: 200, history: 200, reveal: 403, totp: 403, grants: 403, patch: 403 });
    const refused = await a.reveal(id, {}, rw.headers);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('PLANTED');
    expect((await a.get(`/api/credentials/${id}/totp`, rw.headers)).statusCode).toBe(403);
    expect((await a.patch(id, { notes: 'rw may change' }, rw.headers)).statusCode).toBe(200);
    // With the reveal scope: reveal and TOTP, still no change; a key without scopes has the user's full rights.
    expect(await statuses(id, roReveal.headers)).toEqual({ ...ALL(200), grants: 403, patch: 403 });
    expect((await a.reveal(id, {}, full.headers)).statusCode).toBe(200);
    expect((await auditRowsOf(t(), id)).filter((r) => r.action === 'reveal' || r.action === 'totp').map((r) => r.actor_id))
      .toEqual([roReveal.id, roReveal.id, full.id]);

    // A key cannot widen itself: a write key without reveal cannot mint one with it.
    expect((await mint(['read', 'write', 'reveal'], rw.headers)).statusCode).toBe(403);
    expect((await mint(['read', 'write'], rw.headers)).statusCode).toBe(201);

    const reveal = (await auditRowsOf(t(), id)).find((r) => r.action === 'reveal')!;
    expect(reveal).toMatchObject({ actor_type: 'api_key', actor_id: roReveal.id, user_id: t().admin.id, machine_id: machine });
  });
});
