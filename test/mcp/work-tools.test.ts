import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import type { Parents } from '../support/msp.js';
import { callerContext, connectClient, idsIn, twoClients, type McpTestClient } from './support.js';

describeEachDialect('MCP project, task and time tools, and project resources', (t) => {
  let a: Parents, b: Parents, slugA: string, slugB: string, codeA: string, codeB: string;
  let admin: McpTestClient, tech: McpTestClient, viewer: McpTestClient;
  let fixture: Awaited<ReturnType<typeof twoClients>>;

  beforeAll(async () => {
    fixture = await twoClients(t());
    ({ a, b, slugA, slugB, codeA, codeB, admin, tech, viewer } = fixture);
  });
  afterAll(() => fixture?.close());

  it('creates a task in a project by slug (its client follows) and moves it through its statuses', async () => {
    const task = await tech.json('create_task', { title: 'Renew the Fabrikam TLS certificate', project: slugA, task_type: 'deployment', complexity: 'simple' });
    expect(task).toMatchObject({ title: 'Renew the Fabrikam TLS certificate', project_id: a.project_id, client_id: a.client_id, status: 'pending', task_type: 'deployment', started_at: null });
    const started = await tech.json('update_task', { id: task.id, status: 'in_progress' });
    expect(started.started_at).toEqual(expect.any(String));
    const done = await tech.json('update_task', { id: task.id, status: 'completed' });
    expect(done).toMatchObject({ status: 'completed', started_at: started.started_at, completed_at: expect.any(String) });
  });

  it('lists tasks as an index, filtered, paged, and only in scope', async () => {
    const hidden = await admin.json('create_task', { title: 'Northwind secret task', project: slugB });
    const first = await tech.json('create_task', { title: 'Patch the Fabrikam hypervisor', client: codeA, task_order: 1 });
    const second = await tech.json('create_task', { title: 'Replace the Fabrikam UPS battery', client: codeA, status: 'blocked', blocking_reason: 'Waiting for the part', task_order: 2 });
    const listed = await tech.ok('list_tasks', { client: codeA, q: 'Fabrikam', status: 'blocked' });
    expect(listed).toBe(`Tasks ([status] title · id):\n- [blocked] Replace the Fabrikam UPS battery · ${second.id} · blocked: Waiting for the part\nShowing 1-1 of 1.`);
    const page = await tech.ok('list_tasks', { client: codeA, limit: 1 });
    expect(page).toMatch(/Showing 1-1 of \d+; for more, call again with offset=1\.$/);
    expect(idsIn(await tech.ok('list_tasks', { limit: 100 }))).toEqual(expect.arrayContaining([first.id, second.id]));
    expect(await tech.ok('list_tasks', { limit: 100 })).not.toContain(hidden.id);
    expect(await tech.ok('list_tasks', { q: 'no task has this title' })).toBe('No tasks match.');
    expect(await tech.call('list_tasks', { project: slugB })).toEqual({ isError: true, text: `project ${slugB} was not found [not_found]` });
    expect(await tech.call('update_task', { id: hidden.id, status: 'cancelled' })).toEqual({ isError: true, text: `task ${hidden.id} was not found [not_found]` });
  });

  it("lists a project's tasks created over REST with only project_id (they take the project's client)", async () => {
    const res = await t().app.inject({ method: 'POST', url: '/api/tasks', headers: t().adminHeaders, payload: { title: 'Filed over REST by project only', project_id: a.project_id } });
    expect(res.statusCode, res.body).toBe(201);
    const rest = res.json();
    expect(rest.client_id).toBe(a.client_id);
    expect(idsIn(await tech.ok('list_tasks', { project: slugA, limit: 100 }))).toContain(rest.id);
    expect(idsIn(await tech.ok('list_tasks', { project: slugA.toUpperCase(), q: 'Filed over REST' }))).toEqual([rest.id]);
    // Writes still file a task under its project's client.
    expect(await tech.json('create_task', { title: 'Filed over MCP', project: slugA })).toMatchObject({ project_id: a.project_id, client_id: a.client_id });
  });

  it('refuses bad task arguments with the rule that failed', async () => {
    expect(await tech.call('create_task', { title: 'Stuck', client: codeA, status: 'blocked' }))
      .toEqual({ isError: true, text: 'The request is not valid: blocking_reason: is required when the status is blocked [validation_failed]' });
    expect((await tech.call('create_task', { title: '' })).text).toMatch(/Invalid arguments for tool create_task.*title/s);
    expect((await tech.call('update_task', { id: a.project_id, status: 'done' })).text).toMatch(/Invalid arguments for tool update_task.*status/s);
    expect(await tech.call('update_task', { id: a.project_id, status: 'cancelled' })).toEqual({ isError: true, text: `task ${a.project_id} was not found [not_found]` });
    expect(await viewer.call('create_task', { title: 'x', client: codeA })).toEqual({ isError: true, text: 'You are not allowed to do this [forbidden]' });
  });

  it("logs time by minutes at the client's rate, for a project's client", async () => {
    const entry = await tech.json('log_time', { project: slugA, minutes: 90, description: 'Renewed the certificate', category: 'maintenance' });
    expect(entry).toMatchObject({ client_id: a.client_id, project_id: a.project_id, duration_minutes: 90, hourly_rate: 120, amount: 180, is_billable: true, description: 'Renewed the certificate' });
    expect(Date.parse(entry.end_time) - Date.parse(entry.start_time)).toBe(90 * 60_000);
    const spanned = await tech.json('log_time', { client: codeA, start_time: '2025-05-01T08:00:00Z', end_time: '2025-05-01T08:45:00Z', is_billable: false });
    expect(spanned).toMatchObject({ start_time: '2025-05-01T08:00:00.000Z', end_time: '2025-05-01T08:45:00.000Z', duration_minutes: 45, amount: 0 });
    const anchored = await tech.json('log_time', { client: codeA, start_time: '2025-05-02T08:00:00Z', minutes: 30 });
    expect(anchored.end_time).toBe('2025-05-02T08:30:00.000Z');
    const ended = await tech.json('log_time', { client: codeA.toLowerCase(), end_time: '2025-05-03T10:00:00Z', minutes: 20 });
    expect(ended).toMatchObject({ client_id: a.client_id, start_time: '2025-05-03T09:40:00.000Z', end_time: '2025-05-03T10:00:00.000Z' });
  });

  it('refuses time it cannot place or may not log', async () => {
    expect(await tech.call('log_time', { minutes: 30 })).toEqual({ isError: true, text: 'The request is not valid: client: give the client (or a project that belongs to one) [validation_failed]' });
    expect(await tech.call('log_time', { client: codeA })).toEqual({ isError: true, text: 'The request is not valid: minutes: give minutes, or start_time and end_time [validation_failed]' });
    expect((await tech.call('log_time', { client: codeA, start_time: '2025-06-01T10:00:00Z', end_time: '2025-06-01T09:00:00Z' })).text).toMatch(/end_time: must be after start_time/);
    expect((await tech.call('log_time', { client: codeA, minutes: 0 })).text).toMatch(/Invalid arguments for tool log_time.*minutes/s);
    expect(await tech.call('log_time', { client: codeB, minutes: 30 })).toEqual({ isError: true, text: `client ${codeB} was not found [not_found]` });
  });

  it("creates, reads and updates a project's state", async () => {
    expect(await tech.ok('get_project_state', { project: slugA })).toBe(`No state recorded yet for project ${slugA} (${a.project_id}); update_project_state creates it.`);
    const created = await tech.ok('update_project_state', { project: slugA, current_phase: 'build', progress_percentage: 40, blockers: ['waiting on DNS'], next_actions: ['migrate the database'] });
    expect(created).toMatch(new RegExp(`^Created the state of project ${slugA}:\n`));
    const updated = await tech.ok('update_project_state', { project: a.project_id, progress_percentage: 60 });
    expect(updated).toMatch(/^Updated the state/);
    const { project, state } = await tech.json('get_project_state', { project: slugA });
    expect(project).toEqual({ id: a.project_id, slug: slugA, name: expect.any(String) });
    expect(state).toMatchObject({ project_id: a.project_id, current_phase: 'build', progress_percentage: 60, blockers: ['waiting on DNS'], next_actions: ['migrate the database'] });
    expect((await tech.call('update_project_state', { project: slugA, progress_percentage: 150 })).text).toMatch(/Invalid arguments.*progress_percentage/s);
    expect(await tech.call('get_project_state', { project: slugB })).toEqual({ isError: true, text: `project ${slugB} was not found [not_found]` });
    expect(await viewer.call('update_project_state', { project: slugA, current_phase: 'x' })).toEqual({ isError: true, text: 'You are not allowed to do this [forbidden]' });
  });

  it('lists the projects in scope', async () => {
    const listed = await tech.ok('list_projects', { limit: 100 });
    expect(listed).toContain(`- ${slugA} · `);
    expect(listed).not.toContain(slugB);
    expect(await admin.ok('list_projects', { client: codeB })).toMatch(new RegExp(`^Projects \\(slug · name · status · id\\):\n- ${slugB} · .* · active · ${b.project_id}\nShowing 1-1 of 1\\.$`));
    expect(await tech.ok('list_projects', { q: 'no project is called this' })).toBe('No projects match.');
  });

  it("offers each visible project's state and recent decisions as resources", async () => {
    const { resources } = await tech.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toEqual(expect.arrayContaining([`claudetools://projects/${slugA}/state`, `claudetools://projects/${slugA}/decisions`]));
    expect(uris.some((u) => u.includes(slugB))).toBe(false);
    const { resourceTemplates } = await tech.client.listResourceTemplates();
    expect(resourceTemplates.map((r) => r.uriTemplate).sort()).toEqual(['claudetools://projects/{project}/decisions', 'claudetools://projects/{project}/state']);

    const state = await tech.client.readResource({ uri: `claudetools://projects/${slugA}/state` });
    expect(JSON.parse((state.contents[0] as { text: string }).text).state).toMatchObject({ current_phase: 'build', progress_percentage: 60 });
    await tech.ok('log_decision', { decision_text: 'Host the Fabrikam portal on Hetzner', project: slugA, impact: 'high' });
    await tech.ok('log_decision', { decision_text: 'Use Caddy as the Fabrikam reverse proxy', rationale: 'automatic TLS', project: slugA });
    const decisions = (await tech.client.readResource({ uri: `claudetools://projects/${a.project_id}/decisions` })).contents[0] as { text: string; mimeType: string };
    expect(decisions.mimeType).toBe('text/markdown');
    expect(decisions.text).toMatch(/^# Decisions in .* \(2 of 2\)\n- \d{4}-\d\d-\d\d \[medium\] Use Caddy as the Fabrikam reverse proxy \(why: automatic TLS\) · [0-9a-f-]{36}\n- \d{4}-\d\d-\d\d \[high\] Host the Fabrikam portal on Hetzner · [0-9a-f-]{36}$/);
    await expect(tech.client.readResource({ uri: `claudetools://projects/${slugB}/state` })).rejects.toThrow(`project ${slugB} was not found`);
  });

  it('lists resources with a clear error when listing fails, the details only in the log', async () => {
    const boom = new Error('SQLITE_BUSY: database is locked (host 10.0.0.5, user ct)');
    const broken = { ...t().services, projects: { ...t().services.projects, list: async () => { throw boom; } } };
    const client = await connectClient(t(), await callerContext(t(), 'technician', { client_scope: [a.client_id] }), broken);
    const failed = await client.client.listResources().then(() => null, (err: Error) => err);
    expect(failed?.message).toMatch(/Listing the resources failed unexpectedly; the server log has the details/);
    expect(failed?.message).not.toMatch(/SQLITE_BUSY|10\.0\.0\.5/);
    expect(client.failures).toEqual([boom]);
    await client.close();
  });
});
