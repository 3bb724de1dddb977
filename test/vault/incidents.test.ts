import { beforeAll, describe, expect, it } from 'vitest';
import { SecurityIncident } from '../../src/modules/security-incidents/entity.js';
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
