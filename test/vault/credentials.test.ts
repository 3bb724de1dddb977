import { expect, it } from 'vitest';
import * as OTPAuth from 'otpauth';
import { SECRET_FIELDS } from '../../src/modules/vault/entity.js';
import { decryptCount } from '../../src/vault/aead.js';
import { describeEachDialect } from '../support/dialects.js';
import { seedParents } from '../support/msp.js';
import { api, auditRowsOf, credentialBody } from './support.js';

const SECRETS = SECRET_FIELDS;

describeEachDialect('credentials', (t) => {
  const a = api(t);

  it('creates with metadata only in the answer, and reveals every secret with no-store', async () => {
    const p = await seedParents(t());
    const body = credentialBody({ client_id: p.client_id, infrastructure_id: p.infrastructure_id, service_id: p.service_id, port: 8443, requires_2fa: true });
    const res = await a.create(body);
    expect(res.statusCode).toBe(201);
    const created = res.json();
    for (const s of SECRETS) expect(created).not.toHaveProperty(s);
    for (const s of Object.values(body)) if (typeof s === 'string' && s.includes('PLANTED')) expect(res.body).not.toContain(s);
    expect(created).toMatchObject({
      client_id: p.client_id, infrastructure_id: p.infrastructure_id, service_id: p.service_id, service_name: body.service_name, username: body.username,
      port: 8443, requires_2fa: true, requires_vpn: false, is_active: true, restricted: false, secret_version: 1,
      has_password: true, has_api_key: true, has_client_secret: true, has_token: true, has_connection_string: true, has_private_key: true, has_totp: true, has_secret_notes: true,
    });
    expect(created.last_rotated_at).toBeTruthy();

    const got = await a.get(`/api/credentials/${created.id}`);
    expect(got.json()).toEqual(created);

    const revealed = await a.reveal(created.id, { reason: 'ticket 42' });
    expect(revealed.statusCode).toBe(200);
    expect(revealed.headers['cache-control']).toBe('no-store');
    expect(revealed.json()).toEqual({ id: created.id, version: 1, secrets: Object.fromEntries(SECRETS.map((s) => [s, body[s as keyof typeof body]])) });
  });

  it('lists, gets and searches without decrypting anything', async () => {
    const p = await seedParents(t());
    const bodies = Array.from({ length: 5 }, (_, i) => credentialBody({ client_id: p.client_id, expires_at: `2026-0${i + 1}-15T00:00:00.000Z`, credential_type: i % 2 ? 'api_key' : 'password' }));
    const ids = [];
    for (const b of bodies) ids.push((await a.create(b)).json().id);
    const before = decryptCount();
    const all = (await a.get(`/api/credentials?client_id=${p.client_id}&limit=50`)).json();
    expect(all.total).toBe(5);
    expect(all.items.every((c: Record<string, unknown>) => c.has_password === true && !('password' in c))).toBe(true);
    expect((await a.get(`/api/credentials?q=${encodeURIComponent(bodies[2].username)}`)).json().items.map((c: { id: string }) => c.id)).toEqual([ids[2]]);
    expect((await a.get(`/api/credentials?q=${encodeURIComponent(bodies[3].service_name.toUpperCase())}`)).json().items.map((c: { id: string }) => c.id)).toEqual([ids[3]]);
    expect((await a.get(`/api/credentials?q=${encodeURIComponent(new URL(bodies[4].url).hostname)}`)).json().total).toBe(1);
    expect((await a.get(`/api/credentials?username=${bodies[1].username}`)).json().items[0].id).toBe(ids[1]);
    expect((await a.get(`/api/credentials?client_id=${p.client_id}&credential_type=api_key`)).json().total).toBe(2);
    const expiring = (await a.get(`/api/credentials?client_id=${p.client_id}&expires_before=2026-03-01T00:00:00Z&sort=expires_at`)).json();
    expect(expiring.items.map((c: { id: string }) => c.id)).toEqual([ids[0], ids[1]]);
    await a.get(`/api/credentials/${ids[0]}`);
    await a.get(`/api/credentials/${ids[0]}/versions`);
    expect(decryptCount()).toBe(before);
  });

  it('keeps earlier secrets as versions, reveals them by number, and lists their metadata', async () => {
    const body = credentialBody();
    const id = (await a.create(body)).json().id;
    const updated = await a.patch(id, { password: 'second-PLANTED-password', notes: 'rotated' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ secret_version: 2, has_password: true, notes: 'rotated' });
    await a.patch(id, { api_key: null });
    const versions = (await a.get(`/api/credentials/${id}/versions`)).json().items;
    expect(versions.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([[3, true], [2, false], [1, false]]);
    expect(versions[0].has_api_key).toBe(false);
    expect(versions[1].has_api_key).toBe(true);
    expect((await a.reveal(id)).json().secrets).toMatchObject({ password: 'second-PLANTED-password' });
    expect((await a.reveal(id)).json().secrets.api_key).toBeUndefined();
    expect((await a.reveal(id, { version: 1 })).json()).toMatchObject({ version: 1, secrets: { password: body.password, api_key: body.api_key } });
    expect((await a.reveal(id, { version: 2 })).json().secrets).toMatchObject({ password: 'second-PLANTED-password', api_key: body.api_key });
    expect((await a.reveal(id, { version: 9 })).statusCode).toBe(404);
    // A metadata-only change makes no version.
    expect((await a.patch(id, { username: 'someone-else' })).json().secret_version).toBe(3);

    // An older version's ciphertext swapped into the current row (same key, same field) does not open: the AAD binds the version.
    const v1 = await t().db.selectFrom('credential_versions').selectAll().where('credential_id', '=', id).where('version', '=', 1).executeTakeFirstOrThrow();
    const row = await t().db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(v1.kid).toBe(row.kid);
    await t().db.updateTable('credentials').set({ password_enc: v1.password_enc }).where('id', '=', id).execute();
    const swapped = await a.reveal(id);
    expect(swapped.json()).toMatchObject({ status: 500, code: 'decrypt_failed' });
    expect(swapped.body).not.toContain(body.password);
    await t().db.updateTable('credentials').set({ password_enc: row.password_enc }).where('id', '=', id).execute();
    expect((await a.reveal(id)).json().secrets.password).toBe('second-PLANTED-password');
  });

  it('gives the current TOTP code, audited, and refuses a credential without a seed', async () => {
    const id = (await a.create(credentialBody({ totp_secret: 'otpauth://totp/Acme:admin?secret=JBSWY3DPEHPK3PXP&issuer=Acme' }))).json().id;
    const res = await a.get(`/api/credentials/${id}/totp?reason=login`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const expected = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32('JBSWY3DPEHPK3PXP') });
    expect([expected.generate({ timestamp: Date.now() - 1000 }), expected.generate()]).toContain(res.json().code);
    expect(res.json()).toMatchObject({ digits: 6, period: 30 });
    expect(JSON.stringify(res.json())).not.toContain('JBSWY3DPEHPK3PXP');
    const none = (await a.create(credentialBody({ totp_secret: undefined }))).json().id;
    expect((await a.get(`/api/credentials/${none}/totp`)).json()).toMatchObject({ status: 422, code: 'no_totp' });
    const bad = await a.create(credentialBody({ totp_secret: 'not a base32 seed!' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toContain('not a base32 seed!');
  });

  it('writes exactly one credential audit row per action, with actor, ip, user agent and reason, and never a secret', async () => {
    const u = await t().makeUser('technician');
    const headers = { ...u.headers, 'user-agent': 'vault-test/1.0' };
    const body = credentialBody();
    const id = (await a.create(body, headers)).json().id;
    await a.get(`/api/credentials/${id}`, headers);
    await a.reveal(id, { reason: 'INC-7 firewall change' }, headers);
    await a.get(`/api/credentials/${id}/totp`, headers);
    await a.patch(id, { password: 'PLANTED-new-pass' }, headers);
    await a.put(`/api/credentials/${id}/permissions/${t().admin.id}`, { level: 'reveal' }, headers);
    await a.del(`/api/credentials/${id}/permissions/${t().admin.id}`, headers);
    await a.get(`/api/credentials?q=${encodeURIComponent(body.service_name)}`, headers); // a list is not a per-credential action
    await a.del(`/api/credentials/${id}`, headers);
    const rows = await auditRowsOf(t(), id);
    expect(rows.map((r) => r.action)).toEqual(['create', 'view', 'reveal', 'totp', 'update', 'permission_change', 'permission_change', 'delete']);
    for (const r of rows) expect(r).toMatchObject({ user_id: u.user.id, actor_type: 'user', ip_address: '127.0.0.1', user_agent: 'vault-test/1.0' });
    expect(rows[2].reason).toBe('INC-7 firewall change');
    // Mutations also land in the general audit log, like every other mutation.
    const general = await t().db.selectFrom('audit_logs').select(['entity', 'action']).where('entity_id', '=', id).orderBy('seq').execute();
    expect(general.map((r) => `${r.entity}:${r.action}`)).toEqual(['credentials:create', 'credentials:update', 'credential_permissions:create', 'credential_permissions:delete', 'credentials:delete']);
    const dump = JSON.stringify(rows);
    for (const s of [body.password, body.api_key, body.private_key, 'PLANTED-new-pass', body.totp_secret]) expect(dump).not.toContain(s);

    const listed = await a.get(`/api/credential-audit-logs?credential_id=${id}`, headers);
    expect(listed.statusCode).toBe(404); // the credential is gone; its history stays for admins
    const asAdmin = (await a.get(`/api/credential-audit-logs?credential_id=${id}&limit=500`)).json();
    expect(asAdmin.items.map((r: { action: string }) => r.action).reverse()).toEqual(rows.map((r) => r.action));
  });

  it('refuses unknown fields, a client_id change and references of another client', async () => {
    const p = await seedParents(t());
    const other = await seedParents(t());
    expect((await a.create(credentialBody({ client_id: p.client_id, bogus: 1 }))).statusCode).toBe(400);
    const mismatch = await a.create(credentialBody({ client_id: p.client_id, infrastructure_id: other.infrastructure_id }));
    expect(mismatch.json()).toMatchObject({ status: 422, code: 'client_mismatch' });
    const id = (await a.create(credentialBody({ client_id: p.client_id }))).json().id;
    expect((await a.patch(id, { client_id: other.client_id })).statusCode).toBe(400);
  });

  it('makes exactly one data key for a new client under concurrent creates', async () => {
    const p = await seedParents(t());
    const results = await Promise.all(Array.from({ length: 8 }, () => a.create(credentialBody({ client_id: p.client_id }))));
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    const keys = await t().db.selectFrom('vault_data_keys').selectAll().where('scope', '=', p.client_id).execute();
    expect(keys).toHaveLength(1);
    for (const r of results) expect((await a.reveal(r.json().id)).statusCode).toBe(200);
  });

  it('a client holding credentials cannot be deleted (409 naming them): nothing cascades past the credential audit and restrictions', async () => {
    const p = await seedParents(t());
    const tech = await t().makeUser('technician');
    const id = (await a.create(credentialBody({ client_id: p.client_id, restricted: true }))).json().id;
    await a.patch(id, { password: 'PLANTED-second' });
    const res = await a.del(`/api/clients/${p.client_id}`, tech.headers);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'still_referenced', errors: [{ path: 'credentials' }] });
    expect(res.json().detail).toContain('1 credential (client_id)');
    expect(await t().db.selectFrom('credentials').select('id').where('id', '=', id).executeTakeFirst()).toBeTruthy();
    expect(await t().db.selectFrom('credential_versions').select('id').where('credential_id', '=', id).execute()).toHaveLength(1);
    // Once its credentials are deleted (each audited), the client goes.
    expect((await a.del(`/api/credentials/${id}`)).statusCode).toBe(204);
    expect((await auditRowsOf(t(), id)).at(-1)!.action).toBe('delete');
    expect((await a.del(`/api/clients/${p.client_id}`, tech.headers)).statusCode).toBe(204);
  });

  it('refuses an empty reason', async () => {
    const id = (await a.create(credentialBody())).json().id;
    expect((await a.reveal(id, { reason: '' })).json()).toMatchObject({ status: 400, code: 'validation_failed' });
  });
});
