import { beforeAll, expect, it } from 'vitest';
import type { TestApp } from './support/app.js';
import { describeEachDialect } from './support/dialects.js';
import { mspBuild, seedParents, type Parents } from './support/msp.js';

type Builder = (p: Parents) => Record<string, unknown>;

/** Every client-scoped resource: its path and how to build a row under a given client's parents. */
const RESOURCES: [string, string, Builder][] = [
  ['clients', 'clients', () => mspBuild.client()],
  ['projects', 'projects', (p) => mspBuild.project(p)],
  ['sessions', 'sessions', (p) => mspBuild.session(p)],
  ['work-items', 'work_items', (p) => mspBuild.work_item(p)],
  ['tasks', 'tasks', (p) => mspBuild.task(p)],
  ['billable-time', 'billable_time', (p) => mspBuild.time(p)],
  ['sites', 'sites', (p) => mspBuild.site(p)],
  ['infrastructure', 'infrastructure', (p) => mspBuild.infrastructure(p)],
  ['services', 'services', (p) => mspBuild.service(p)],
  ['networks', 'networks', (p) => mspBuild.network(p)],
  ['firewall-rules', 'firewall_rules', (p) => mspBuild.firewall_rule(p)],
  ['m365-tenants', 'm365_tenants', (p) => mspBuild.m365_tenant(p)],
  ['file-changes', 'file_changes', (p) => mspBuild.file_change(p)],
  ['command-runs', 'command_runs', (p) => mspBuild.command_run(p)],
  ['problem-solutions', 'problem_solutions', (p) => mspBuild.problem_solution(p)],
  ['environmental-insights', 'environmental_insights', (p) => mspBuild.environmental_insight(p)],
  ['failure-patterns', 'failure_patterns', (p) => mspBuild.failure_pattern(p)],
];
const PATCH_FIELD: Record<string, string> = {
  clients: 'notes', projects: 'description', sessions: 'summary', 'work-items': 'description', tasks: 'description', 'billable-time': 'description',
  sites: 'notes', infrastructure: 'notes', services: 'notes', networks: 'notes', 'firewall-rules': 'notes', 'm365-tenants': 'notes',
  'file-changes': 'summary', 'command-runs': 'output_summary', 'problem-solutions': 'root_cause', 'environmental-insights': 'description', 'failure-patterns': 'root_cause',
};
const patchFor = (path: string) => ({ [PATCH_FIELD[path]]: 'changed' });

/**
 * The authorization matrix: roles x resources x in-scope / out-of-scope rows. Out of scope is 404 on
 * read, update and delete, never listed, and a refused write leaves the row exactly as it was.
 */
describeEachDialect('client scoping', (t) => {
  let a: Parents, b: Parents;
  let tech: Awaited<ReturnType<TestApp['makeUser']>>, viewer: typeof tech, unscoped: typeof tech;
  const rows: Record<string, { a: Record<string, unknown>; b: Record<string, unknown> }> = {};

  beforeAll(async () => {
    a = await seedParents(t());
    b = await seedParents(t());
    tech = await t().makeUser('technician', { client_scope: [a.client_id] });
    viewer = await t().makeUser('viewer', { client_scope: [a.client_id] });
    unscoped = await t().makeUser('technician');
    rows.clients = { a: { id: a.client_id }, b: { id: b.client_id } };
    for (const [path, , build] of RESOURCES.filter(([p]) => p !== 'clients')) {
      const make = async (p: Parents) => {
        const res = await t().app.inject({ method: 'POST', url: `/api/${path}`, headers: t().adminHeaders, payload: build(p) });
        expect(res.statusCode, `${path}: ${res.body}`).toBe(201);
        return res.json();
      };
      rows[path] = { a: await make(a), b: await make(b) };
    }
  });

  const dbRow = (table: string, id: unknown) => t().db.selectFrom(table).selectAll().where('id', '=', id as string).executeTakeFirst();

  for (const [path, table] of RESOURCES) {
    it(`${path}: a scoped technician reads and writes only their clients' rows`, async () => {
      const { a: mine, b: theirs } = rows[path];
      const as = (method: 'GET' | 'PATCH' | 'DELETE', id: unknown, payload?: object) =>
        t().app.inject({ method, url: `/api/${path}/${id}`, headers: tech.headers, payload });
      expect((await as('GET', mine.id)).statusCode).toBe(200);
      expect((await as('GET', theirs.id)).statusCode).toBe(404);
      const before = await dbRow(table, theirs.id);
      const patch = await as('PATCH', theirs.id, patchFor(path));
      expect(patch.statusCode).toBe(404);
      expect((await as('DELETE', theirs.id)).statusCode).toBe(404);
      expect(await dbRow(table, theirs.id)).toEqual(before);
      const list = await t().app.inject({ method: 'GET', url: `/api/${path}?limit=500`, headers: tech.headers });
      const ids = list.json().items.map((r: { id: string }) => r.id);
      expect(ids).toContain(mine.id);
      expect(ids).not.toContain(theirs.id);
      expect((await as('PATCH', mine.id, patchFor(path))).statusCode).toBe(200);
    });

    it(`${path}: a scoped viewer reads in scope only and never writes`, async () => {
      const { a: mine, b: theirs } = rows[path];
      expect((await t().app.inject({ method: 'GET', url: `/api/${path}/${mine.id}`, headers: viewer.headers })).statusCode).toBe(200);
      expect((await t().app.inject({ method: 'GET', url: `/api/${path}/${theirs.id}`, headers: viewer.headers })).statusCode).toBe(404);
      const before = await dbRow(table, mine.id);
      expect((await t().app.inject({ method: 'PATCH', url: `/api/${path}/${mine.id}`, headers: viewer.headers, payload: patchFor(path) })).statusCode).toBe(403);
      expect((await t().app.inject({ method: 'DELETE', url: `/api/${path}/${mine.id}`, headers: viewer.headers })).statusCode).toBe(403);
      expect(await dbRow(table, mine.id)).toEqual(before);
    });

    it(`${path}: an unscoped technician and the admin see both clients`, async () => {
      for (const who of [unscoped.headers, t().adminHeaders]) {
        for (const row of [rows[path].a, rows[path].b]) {
          expect((await t().app.inject({ method: 'GET', url: `/api/${path}/${row.id}`, headers: who })).statusCode).toBe(200);
        }
      }
    });
  }

  it('does not let a scoped technician add a client', async () => {
    const res = await t().app.inject({ method: 'POST', url: '/api/clients', headers: tech.headers, payload: mspBuild.client() });
    expect(res.statusCode).toBe(403);
    expect((await t().app.inject({ method: 'POST', url: '/api/clients', headers: unscoped.headers, payload: mspBuild.client() })).statusCode).toBe(201);
  });

  it('refuses to create a row under an out-of-scope client, and stores nothing', async () => {
    for (const [path, table, build] of RESOURCES.filter(([p]) => p !== 'clients')) {
      const count = async () => (await t().db.selectFrom(table).select('id').execute()).length;
      const before = await count();
      const res = await t().app.inject({ method: 'POST', url: `/api/${path}`, headers: tech.headers, payload: build(b) });
      expect(res.statusCode, `${path}: ${res.body}`).toBe(422);
      expect(res.json().code).toBe('unknown_reference');
      expect(await count()).toBe(before);
    }
  });

  it('gives a row named only by its project that project\'s client, so it is not global', async () => {
    const otherTech = await t().makeUser('technician', { client_scope: [b.client_id] });
    for (const [path, payload] of [['tasks', { title: 'Patch the hosts', project_id: a.project_id }], ['sessions', { project_id: a.project_id, mode: 'msp' }]] as const) {
      const res = await t().app.inject({ method: 'POST', url: `/api/${path}`, headers: tech.headers, payload });
      expect(res.statusCode, `${path}: ${res.body}`).toBe(201);
      const created = res.json();
      expect(created.client_id, path).toBe(a.client_id);
      expect((await t().app.inject({ method: 'GET', url: `/api/${path}/${created.id}`, headers: otherTech.headers })).statusCode, path).toBe(404);
      // Clearing the client while the project stays gives it back the project's client.
      const cleared = await t().app.inject({ method: 'PATCH', url: `/api/${path}/${created.id}`, headers: tech.headers, payload: { client_id: null } });
      expect(cleared.json().client_id, path).toBe(a.client_id);
    }
  });

  it('hides out-of-scope parents in by-parent lists, tags and the billing summary', async () => {
    expect((await t().app.inject({ method: 'GET', url: `/api/clients/${b.client_id}/sites`, headers: tech.headers })).statusCode).toBe(404);
    expect((await t().app.inject({ method: 'GET', url: `/api/infrastructure/${b.infrastructure_id}/services`, headers: tech.headers })).statusCode).toBe(404);
    expect((await t().app.inject({ method: 'POST', url: `/api/projects/${b.project_id}/tags`, headers: tech.headers, payload: { tags: ['x'] } })).statusCode).toBe(404);
    const summary = await t().app.inject({ method: 'GET', url: '/api/billable-time/summary?group_by=client', headers: tech.headers });
    expect(summary.json().groups.map((g: { key: string }) => g.key)).toEqual([a.client_id]);
    const csv = await t().app.inject({ method: 'GET', url: '/api/billable-time/export.csv', headers: tech.headers });
    expect(csv.body).not.toContain(rows['billable-time'].b.id as string);
  });
});
