import { beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/core/context.js';
import { SecurityIncident } from '../../src/modules/security-incidents/entity.js';
import { createSecurityIncidentService } from '../../src/modules/security-incidents/service.js';
import { crudContract } from '../support/crud-contract.js';
import { describeEachDialect } from '../support/dialects.js';
import { seedParents, type Parents } from '../support/msp.js';
import { api, credentialBody } from './support.js';

const incident = (o: Record<string, unknown>) => ({
  incident_type: 'credential_exposure', severity: 'high', detected_at: '2026-03-01T08:00:00.000Z',
  description: 'Admin password pasted in a public ticket', findings: 'Ticket #77 was public for 2 h', ...o,
});

describeEachDialect('security incidents', (t) => {
  const a = api(t);
  const post = (body: Record<string, unknown>, headers: Record<string, string> = t().adminHeaders) =>
    t().app.inject({ method: 'POST', url: '/api/security-incidents', headers, payload: body });

  it('full CRUD with links to the credentials and infrastructure involved, and filters by client, severity and status', async () => {
    const p = await seedParents(t());
    const cred = (await a.create(credentialBody({ client_id: p.client_id }))).json().id;
    const res = await post(incident({ client_id: p.client_id, infrastructure_id: p.infrastructure_id, service_id: p.service_id, credential_ids: [cred] }));
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ client_id: p.client_id, infrastructure_id: p.infrastructure_id, credential_ids: [cred], status: 'investigating', severity: 'high' });
    await post(incident({ client_id: p.client_id, severity: 'low', incident_type: 'phishing' }));

    const byClient = (await a.get(`/api/security-incidents?client_id=${p.client_id}`)).json();
    expect(byClient.total).toBe(2);
    expect((await a.get(`/api/security-incidents?client_id=${p.client_id}&severity=high`)).json().items.map((i: { id: string }) => i.id)).toEqual([created.id]);

    const resolved = await t().app.inject({ method: 'PATCH', url: `/api/security-incidents/${created.id}`, headers: t().adminHeaders,
      payload: { status: 'resolved', resolved_at: '2026-03-02T08:00:00.000Z', remediation_steps: 'Rotated the password' } });
    expect(resolved.json()).toMatchObject({ status: 'resolved', remediation_steps: 'Rotated the password' });
    expect((await a.get(`/api/security-incidents?client_id=${p.client_id}&status=resolved`)).json().total).toBe(1);
    const early = await t().app.inject({ method: 'PATCH', url: `/api/security-incidents/${created.id}`, headers: t().adminHeaders, payload: { resolved_at: '2026-01-01T00:00:00.000Z' } });
    expect(early.statusCode).toBe(400);

    expect((await a.del(`/api/security-incidents/${created.id}`)).statusCode).toBe(204);
    expect((await a.get(`/api/security-incidents/${created.id}`)).statusCode).toBe(404);
  });

  it('refuses credentials of another client, unknown or invisible ones, and hides incidents out of scope', async () => {
    const [p, q] = [await seedParents(t()), await seedParents(t())];
    const other = (await a.create(credentialBody({ client_id: q.client_id }))).json().id;
    expect((await post(incident({ client_id: p.client_id, credential_ids: [other] }))).json()).toMatchObject({ status: 422, code: 'client_mismatch' });
    expect((await post(incident({ client_id: p.client_id, credential_ids: ['01900000-0000-7000-8000-000000000bad'] }))).json())
      .toMatchObject({ status: 422, code: 'unknown_reference', errors: [{ path: 'credential_ids.0' }] });
    const restricted = (await a.create(credentialBody({ client_id: p.client_id, restricted: true }))).json().id;
    const tech = await t().makeUser('technician', { client_scope: [p.client_id] });
    expect((await post(incident({ client_id: p.client_id, credential_ids: [restricted] }), tech.headers)).json()).toMatchObject({ code: 'unknown_reference' });

    const id = (await post(incident({ client_id: q.client_id }))).json().id;
    expect((await a.get(`/api/security-incidents/${id}`, tech.headers)).statusCode).toBe(404);
    expect((await a.get('/api/security-incidents?limit=500', tech.headers)).json().items.some((i: { id: string }) => i.id === id)).toBe(false);
    const viewer = await t().makeUser('viewer');
    expect((await post(incident({ client_id: p.client_id }), viewer.headers)).statusCode).toBe(403);
  });
});

describeEachDialect('security incidents and the credentials they name', (t) => {
  const a = api(t);
  const send = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: Record<string, unknown>, headers: Record<string, string> = t().adminHeaders) =>
    t().app.inject({ method, url, headers, payload });

  it('a client_id change is checked against the credentials already linked', async () => {
    const [p, q] = [await seedParents(t()), await seedParents(t())];
    const cred = (await a.create(credentialBody({ client_id: p.client_id }))).json().id;
    const id = (await send('POST', '/api/security-incidents', incident({ client_id: p.client_id, credential_ids: [cred] }))).json().id;
    const moved = await send('PATCH', `/api/security-incidents/${id}`, { client_id: q.client_id });
    expect(moved.json()).toMatchObject({ status: 422, code: 'client_mismatch', errors: [{ path: 'credential_ids.0' }] });
    expect((await send('GET', `/api/security-incidents/${id}`)).json().client_id).toBe(p.client_id);
  });

  it('readers see only the credential ids they could see; a writer\'s edit keeps the ones hidden from them', async () => {
    const p = await seedParents(t());
    const open = (await a.create(credentialBody({ client_id: p.client_id }))).json().id;
    const open2 = (await a.create(credentialBody({ client_id: p.client_id }))).json().id;
    const restricted = (await a.create(credentialBody({ client_id: p.client_id, restricted: true }))).json().id;
    const id = (await send('POST', '/api/security-incidents', incident({ client_id: p.client_id, credential_ids: [open, restricted] }))).json().id;
    const tech = await t().makeUser('technician', { client_scope: [p.client_id] });
    expect((await send('GET', `/api/security-incidents/${id}`, undefined, tech.headers)).json().credential_ids).toEqual([open]);
    const listed = (await send('GET', `/api/security-incidents?client_id=${p.client_id}`, undefined, tech.headers)).json().items.find((i: { id: string }) => i.id === id);
    expect(listed.credential_ids).toEqual([open]);
    expect(JSON.stringify((await send('GET', `/api/security-incidents?client_id=${p.client_id}`, undefined, tech.headers)).json())).not.toContain(restricted);
    const patched = await send('PATCH', `/api/security-incidents/${id}`, { credential_ids: [open2] }, tech.headers);
    expect(patched.statusCode).toBe(200);
    expect(patched.json().credential_ids).toEqual([open2]);
    expect((await send('GET', `/api/security-incidents/${id}`)).json().credential_ids.sort()).toEqual([open2, restricted].sort());

    // Moving the incident to another client is refused for a hidden credential too, without naming it.
    const q = await seedParents(t());
    const both = await t().makeUser('technician', { client_scope: [p.client_id, q.client_id] });
    await send('PATCH', `/api/security-incidents/${id}`, { credential_ids: [] }, both.headers);
    const moved = await send('PATCH', `/api/security-incidents/${id}`, { client_id: q.client_id }, both.headers);
    expect(moved.json()).toMatchObject({ status: 422, code: 'client_mismatch', errors: [{ path: 'client_id' }] });
    expect(moved.body).not.toContain(restricted);
  });

  it('deleting a credential removes its id from every incident, audited', async () => {
    const p = await seedParents(t());
    const [c1, c2] = [(await a.create(credentialBody({ client_id: p.client_id }))).json().id, (await a.create(credentialBody({ client_id: p.client_id }))).json().id];
    const id = (await send('POST', '/api/security-incidents', incident({ client_id: p.client_id, credential_ids: [c1, c2] }))).json().id;
    expect((await a.del(`/api/credentials/${c1}`)).statusCode).toBe(204);
    expect((await send('GET', `/api/security-incidents/${id}`)).json().credential_ids).toEqual([c2]);
    const rows = await t().db.selectFrom('audit_logs').selectAll().where('entity', '=', 'security_incidents').where('entity_id', '=', id).where('action', '=', 'update').execute();
    expect(rows).toHaveLength(1);
    expect((await t().app.inject({ method: 'GET', url: '/api/audit/verify', headers: t().adminHeaders })).json().ok).toBe(true);
  });

  it('a failing credential lookup is an error, not an "unknown reference"', async () => {
    const p = await seedParents(t());
    const broken = { ...t().services.vault.credentials, load: async () => { throw new Error('the database went away'); } };
    const service = createSecurityIncidentService({ db: t().db, audit: t().services.audit, clock: t().services.clock }, broken);
    await expect(service.create(systemContext('test'), incident({ client_id: p.client_id, credential_ids: ['01900000-0000-7000-8000-000000000bad'] })))
      .rejects.toThrow('the database went away');
  });
});

describeEachDialect('security incidents: the CRUD contract', (t) => {
  let parents: Parents;
  beforeAll(async () => { parents = await seedParents(t()); });
  describe('security_incidents', () => {
    crudContract(t, {
      entity: SecurityIncident,
      build: () => incident({ client_id: parents.client_id, infrastructure_id: parents.infrastructure_id }),
      patch: () => ({ status: 'contained', severity: 'critical' }),
    });
  });
});
