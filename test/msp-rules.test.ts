import { expect, it } from 'vitest';
import { describeEachDialect } from './support/dialects.js';
import { mspBuild, seedParents } from './support/msp.js';

describeEachDialect('MSP validation and references', (t) => {
  const post = (path: string, payload: unknown) => t().app.inject({ method: 'POST', url: `/api/${path}`, headers: t().adminHeaders, payload: payload as object });
  const paths = (res: { json(): any }) => res.json().errors.map((e: { path: string }) => e.path).sort();

  it.each([
    ['networks', 'cidr', '10.0.0.0/33'], ['networks', 'cidr', '10.0.0.300/24'], ['networks', 'vlan_id', 4095], ['networks', 'vlan_id', 0],
    ['networks', 'gateway_ip', '999.1.1.1'], ['infrastructure', 'mac_address', '00:1a:2b:3c:4d'], ['infrastructure', 'ip_address', 'localhost'],
    ['m365-tenants', 'tenant_guid', 'not-a-guid'], ['services', 'port', 70000], ['services', 'port', 0], ['firewall-rules', 'ports', '80;443'],
    ['sites', 'dns_servers', ['8.8.8.888']], ['projects', 'slug', 'Has Spaces'], ['clients', 'website', 'javascript:alert(1)'],
  ])('%s refuses %s = %j with 400 naming it', async (path, field, value) => {
    const p = await seedParents(t());
    const builder = { networks: mspBuild.network, infrastructure: mspBuild.infrastructure, 'm365-tenants': mspBuild.m365_tenant, services: mspBuild.service, 'firewall-rules': mspBuild.firewall_rule, sites: mspBuild.site, projects: mspBuild.project, clients: (_p: unknown, o: Record<string, unknown>) => mspBuild.client(o) }[path]! as (p: unknown, o: Record<string, unknown>) => Record<string, unknown>;
    const res = await post(path, builder(p, { [field]: value }));
    expect(res.statusCode, res.body).toBe(400);
    expect(paths(res)[0]).toMatch(new RegExp(`^${field}`));
  });

  it('normalizes MAC addresses, GUIDs and accepts IPv6', async () => {
    const p = await seedParents(t());
    const infra = await post('infrastructure', mspBuild.infrastructure(p, { mac_address: '00-1A-2B-3C-4D-5E', ip_address: '2001:db8::10' }));
    expect(infra.json()).toMatchObject({ mac_address: '00:1a:2b:3c:4d:5e', ip_address: '2001:db8::10' });
    const tenant = await post('m365-tenants', mspBuild.m365_tenant(p, { tenant_guid: 'ABCDEF01-2345-6789-ABCD-EF0123456789' }));
    expect(tenant.json().tenant_guid).toBe('abcdef01-2345-6789-abcd-ef0123456789');
  });

  it('refuses dates out of order, naming the later field', async () => {
    const p = await seedParents(t());
    const project = await post('projects', mspBuild.project(p, { started_at: '2026-05-01T00:00:00Z', due_at: '2026-04-01T00:00:00Z' }));
    expect(project.statusCode).toBe(400);
    expect(paths(project)).toEqual(['due_at']);
    const infra = await post('infrastructure', mspBuild.infrastructure(p, { purchase_date: '2026-01-02', warranty_expires: '2025-01-01' }));
    expect(paths(infra)).toEqual(['warranty_expires']);
    // A patch is checked against the stored row too.
    const ok = await post('projects', mspBuild.project(p));
    const bad = await t().app.inject({ method: 'PATCH', url: `/api/projects/${ok.json().id}`, headers: t().adminHeaders, payload: { due_at: '2025-01-01T00:00:00Z' } });
    expect(bad.statusCode).toBe(400);
  });

  it('answers an unknown reference with 422 naming the field, and stores nothing', async () => {
    const missing = '01890000-0000-7000-8000-000000000000';
    const p = await seedParents(t());
    const before = await t().db.selectFrom('sites').select('id').execute();
    const res = await post('sites', mspBuild.site(p, { client_id: missing }));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'unknown_reference', errors: [{ path: 'client_id' }] });
    expect(await t().db.selectFrom('sites').select('id').execute()).toHaveLength(before.length);
  });

  it('refuses a reference to another client\'s row', async () => {
    const a = await seedParents(t());
    const b = await seedParents(t());
    const res = await post('networks', mspBuild.network(a, { site_id: b.site_id }));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'client_mismatch', errors: [{ path: 'site_id' }] });
  });

  it('cascades, sets null and restricts exactly as declared', async () => {
    const p = await seedParents(t());
    const time = await post('billable-time', mspBuild.time(p));
    expect(time.statusCode).toBe(201);
    const restricted = await t().app.inject({ method: 'DELETE', url: `/api/clients/${p.client_id}`, headers: t().adminHeaders });
    expect(restricted.statusCode).toBe(409);
    expect(restricted.json()).toMatchObject({ code: 'still_referenced', errors: [{ path: 'billable_time' }] });
    expect(restricted.json().detail).toContain('time entry');

    await t().app.inject({ method: 'DELETE', url: `/api/billable-time/${time.json().id}`, headers: t().adminHeaders });
    const del = await t().app.inject({ method: 'DELETE', url: `/api/clients/${p.client_id}`, headers: t().adminHeaders });
    expect(del.statusCode).toBe(204);
    // sites, infrastructure and services cascade; projects and sessions keep living without a client.
    expect(await t().db.selectFrom('sites').select('id').where('id', '=', p.site_id).execute()).toEqual([]);
    expect(await t().db.selectFrom('services').select('id').where('id', '=', p.service_id).execute()).toEqual([]);
    const project = await t().app.inject({ method: 'GET', url: `/api/projects/${p.project_id}`, headers: t().adminHeaders });
    expect(project.json().client_id).toBeNull();
  });

  it('refuses a host that would run inside itself', async () => {
    const p = await seedParents(t());
    const host = (await post('infrastructure', mspBuild.infrastructure(p, { asset_type: 'physical_server' }))).json();
    const vm = (await post('infrastructure', mspBuild.infrastructure(p, { parent_host_id: host.id }))).json();
    const container = (await post('infrastructure', mspBuild.infrastructure(p, { asset_type: 'container', parent_host_id: vm.id }))).json();
    for (const parent of [container.id, host.id]) {
      const res = await t().app.inject({ method: 'PATCH', url: `/api/infrastructure/${host.id}`, headers: t().adminHeaders, payload: { parent_host_id: parent } });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'cycle', errors: [{ path: 'parent_host_id' }] });
    }
    const children = await t().app.inject({ method: 'GET', url: `/api/infrastructure/${host.id}/children`, headers: t().adminHeaders });
    expect(children.json().items.map((r: { id: string }) => r.id)).toEqual([vm.id]);
  });

  it('navigates by parent, with the parent checked', async () => {
    const p = await seedParents(t());
    const sites = await t().app.inject({ method: 'GET', url: `/api/clients/${p.client_id}/sites`, headers: t().adminHeaders });
    expect(sites.json()).toMatchObject({ total: 1, items: [{ id: p.site_id }] });
    const services = await t().app.inject({ method: 'GET', url: `/api/infrastructure/${p.infrastructure_id}/services?sort=-name`, headers: t().adminHeaders });
    expect(services.json().items.map((r: { id: string }) => r.id)).toEqual([p.service_id]);
    const none = await t().app.inject({ method: 'GET', url: '/api/clients/01890000-0000-7000-8000-000000000000/sites', headers: t().adminHeaders });
    expect(none.statusCode).toBe(404);
  });

  it('tags and untags, keeping usage counts', async () => {
    const p = await seedParents(t());
    const tagged = await t().app.inject({ method: 'POST', url: `/api/projects/${p.project_id}/tags`, headers: t().adminHeaders, payload: { tags: ['Postgres', 'dns', 'dns'] } });
    expect(tagged.statusCode).toBe(200);
    expect(tagged.json().map((x: { name: string }) => x.name)).toEqual(['dns', 'postgres']);
    await t().app.inject({ method: 'POST', url: `/api/clients/${p.client_id}/tags`, headers: t().adminHeaders, payload: { tags: ['postgres'] } });
    const tag = (await t().app.inject({ method: 'GET', url: '/api/tags?name=postgres', headers: t().adminHeaders })).json().items[0];
    expect(tag.usage_count).toBe(2);
    const untag = await t().app.inject({ method: 'DELETE', url: `/api/projects/${p.project_id}/tags?tags=postgres`, headers: t().adminHeaders });
    expect(untag.json().map((x: { name: string }) => x.name)).toEqual(['dns']);
    expect((await t().app.inject({ method: 'GET', url: `/api/tags/${tag.id}`, headers: t().adminHeaders })).json().usage_count).toBe(1);
    const bad = await t().app.inject({ method: 'POST', url: `/api/projects/${p.project_id}/tags`, headers: t().adminHeaders, payload: { tags: ['has space'] } });
    expect(bad.statusCode).toBe(400);
  });
});

describeEachDialect('tasks and sessions', (t) => {
  const req = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) => t().app.inject({ method, url, headers: t().adminHeaders, payload });

  it('sets started_at and completed_at from status changes', async () => {
    const p = await seedParents(t());
    const task = (await req('POST', '/api/tasks', mspBuild.task(p))).json();
    expect(task).toMatchObject({ status: 'pending', started_at: null, completed_at: null });
    const started = (await req('PATCH', `/api/tasks/${task.id}`, { status: 'in_progress' })).json();
    expect(started.started_at).not.toBeNull();
    const done = (await req('PATCH', `/api/tasks/${task.id}`, { status: 'completed' })).json();
    expect(done.completed_at).not.toBeNull();
    expect(done.started_at).toBe(started.started_at);
    const reopened = (await req('PATCH', `/api/tasks/${task.id}`, { status: 'in_progress' })).json();
    expect(reopened.completed_at).toBeNull();
    const readOnly = await req('PATCH', `/api/tasks/${task.id}`, { completed_at: '2026-01-01T00:00:00Z' });
    expect(readOnly.statusCode).toBe(400);
    const blocked = await req('PATCH', `/api/tasks/${task.id}`, { status: 'blocked' });
    expect(blocked.json().errors[0].path).toBe('blocking_reason');
  });

  it('refuses hierarchy and dependency cycles', async () => {
    const p = await seedParents(t());
    const a = (await req('POST', '/api/tasks', mspBuild.task(p))).json();
    const b = (await req('POST', '/api/tasks', mspBuild.task(p, { parent_task_id: a.id, dependencies: [a.id] }))).json();
    const c = (await req('POST', '/api/tasks', mspBuild.task(p, { parent_task_id: b.id, dependencies: [b.id] }))).json();
    expect((await req('PATCH', `/api/tasks/${a.id}`, { parent_task_id: c.id })).json().code).toBe('cycle');
    expect((await req('PATCH', `/api/tasks/${a.id}`, { parent_task_id: a.id })).json().code).toBe('cycle');
    expect((await req('PATCH', `/api/tasks/${a.id}`, { dependencies: [c.id] })).json().code).toBe('cycle');
    expect((await req('PATCH', `/api/tasks/${a.id}`, { dependencies: [a.id] })).json().code).toBe('cycle');
    const unknown = await req('POST', '/api/tasks', mspBuild.task(p, { dependencies: ['01890000-0000-7000-8000-000000000000'] }));
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors[0].path).toBe('dependencies.0');
    const subtasks = await req('GET', `/api/tasks/${a.id}/subtasks`);
    expect(subtasks.json().items.map((x: { id: string }) => x.id)).toEqual([b.id]);
    const checklist = await req('GET', `/api/tasks?status=pending&project_id=${p.project_id}&sort=task_order`);
    expect(checklist.json().total).toBe(3);
  });

  it('ends a session once, computing its duration', async () => {
    const p = await seedParents(t());
    const s = (await req('POST', '/api/sessions', mspBuild.session(p, { started_at: '2026-03-01T09:00:00Z' }))).json();
    const ended = await req('POST', `/api/sessions/${s.id}/end`, { ended_at: '2026-03-01T10:30:00Z', summary: 'Fixed DNS' });
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ status: 'completed', duration_minutes: 90, summary: 'Fixed DNS', ended_at: '2026-03-01T10:30:00.000Z' });
    expect((await req('POST', `/api/sessions/${s.id}/end`, {})).statusCode).toBe(409);
    const s2 = (await req('POST', '/api/sessions', mspBuild.session(p, { started_at: '2026-03-01T09:00:00Z' }))).json();
    const early = await req('POST', `/api/sessions/${s2.id}/end`, { ended_at: '2026-03-01T08:00:00Z' });
    expect(early.statusCode).toBe(400);
    const dup = await req('POST', '/api/sessions', mspBuild.session(p, { external_session_id: s.external_session_id }));
    expect(dup.statusCode).toBe(409);
  });
});
