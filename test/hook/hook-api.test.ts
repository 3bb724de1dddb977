import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { mspBuild } from '../support/msp.js';

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

/** The server side of the hooks on every dialect: exactly-once events, scope detection, brief, failures to solutions, time proposals. */
describeEachDialect('hook events API', (t) => {
  let clientId: string, projectId: string;
  const post = (url: string, payload?: unknown, headers = t().adminHeaders) => t().app.inject({ method: 'POST', url, payload: payload as object, headers });
  const get = (url: string) => t().app.inject({ method: 'GET', url, headers: t().adminHeaders });
  const events = (list: object[]) => post('/api/hooks/events', { events: list });
  const ev = (session: string, type: string, data: object, at = new Date().toISOString(), key = randomUUID()) => ({ key, type, at, session, data });
  const sessionOf = async (external: string) => (await get(`/api/sessions?external_session_id=${external}`)).json().items[0];

  beforeAll(async () => {
    clientId = (await post('/api/clients', mspBuild.client({ default_hourly_rate: 90 } as any))).json().id;
    projectId = (await post('/api/projects', { ...mspBuild.project({ client_id: clientId } as any), slug: `portal-${randomUUID().slice(0, 6)}`, repo_url: 'https://github.com/acme/portal', local_path: '/srv/acme/portal' })).json().id;
  });

  it('detects the project from the git remote in any spelling, the deepest local path, or the folder name', async () => {
    const scope = async (body: object) => (await post('/api/hooks/scope', body)).json();
    expect(await scope({ git_remote: 'git@github.com:Acme/portal.git' })).toEqual({ project_id: projectId, client_id: clientId, project_name: expect.any(String) });
    expect((await scope({ cwd: '/srv/acme/portal/src/api' })).project_id).toBe(projectId);
    expect((await scope({ cwd: '/srv/acme/portal-old' })).project_id).toBeNull();
    const slug = (await get(`/api/projects/${projectId}`)).json().slug;
    expect((await scope({ cwd: `/home/bob/code/${slug}` })).project_id).toBe(projectId);
    expect(await scope({ client_id: clientId })).toEqual({ project_id: null, client_id: clientId, project_name: null });
  });

  it('applies each event key once, however often it is delivered, and counts duplicates', async () => {
    const session = randomUUID();
    const batch = [ev(session, 'session_start', { cwd: '/srv/acme/portal', mode: 'development' }, minutesAgo(30)),
      ev(session, 'file_change', { file_path: '/srv/acme/portal/a.ts', lines_added: 3 }), ev(session, 'command_run', { command: 'npm test', success: true, exit_code: 0 })];
    const first = await events(batch);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ applied: 3, duplicates: 0, rejected: [] });
    expect((await events(batch)).json()).toEqual({ applied: 0, duplicates: 3, rejected: [] });
    const row = await sessionOf(session);
    expect(row).toMatchObject({ project_id: projectId, client_id: clientId, mode: 'development', cwd: '/srv/acme/portal', status: 'active' });
    expect((await get(`/api/file-changes?session_id=${row.id}`)).json().total).toBe(1);
    expect((await get(`/api/command-runs?session_id=${row.id}`)).json().total).toBe(1);

    // Its end points the project state at it, with the files it changed first among the key files.
    await events([ev(session, 'file_change', { file_path: '/srv/acme/portal/b.ts' }), ev(session, 'file_change', { file_path: '/srv/acme/portal/b.ts' }), ev(session, 'session_end', {})]);
    const state = (await get(`/api/project-states/by-project/${projectId}`)).json();
    expect(state).toMatchObject({ last_session_id: row.id });
    expect(state.key_files.slice(0, 2)).toEqual(['/srv/acme/portal/b.ts', '/srv/acme/portal/a.ts']);
  });

  it('counts a failing command\'s recurrences and turns its later success into a solution naming what changed', async () => {
    const session = randomUUID();
    await events([ev(session, 'session_start', { project_id: projectId }, minutesAgo(20))]);
    const fail = () => ev(session, 'command_run', { command: 'sudo systemctl restart nginx', success: false, exit_code: 1, output_summary: 'Job failed: permission denied' }, minutesAgo(10));
    await events([fail(), fail(), fail()]);
    const pattern = (await get(`/api/failure-patterns?client_id=${clientId}&pattern_type=permission_denied`)).json().items[0];
    expect(pattern).toMatchObject({ occurrence_count: 3, is_active: true, triggering_command: 'sudo systemctl restart nginx' });
    await events([ev(session, 'file_change', { file_path: '/etc/sudoers.d/deploy' }, minutesAgo(5)), ev(session, 'command_run', { command: 'sudo  systemctl restart nginx', success: true, exit_code: 0 }, minutesAgo(4))]);
    const row = await sessionOf(session);
    const [solution] = (await get(`/api/problem-solutions?session_id=${row.id}`)).json().items;
    expect(solution).toMatchObject({ problem: '`sudo systemctl restart nginx` failed', recurrence_count: 3, error_message: 'Job failed: permission denied' });
    expect(solution.solution).toContain('/etc/sudoers.d/deploy');
    expect((await get(`/api/failure-patterns/${pattern.id}`)).json()).toMatchObject({ is_active: false, recommended_solution: solution.solution });
  });

  it('ends an MSP session with one pending time proposal, confirmed once into a time entry', async () => {
    const session = randomUUID();
    await events([ev(session, 'session_start', { mode: 'msp', client_id: clientId }, minutesAgo(95)), ev(session, 'session_end', { reason: 'logout' })]);
    await events([ev(session, 'session_end', { reason: 'logout' })]); // a second end (a resumed session ending) proposes nothing new
    const row = await sessionOf(session);
    expect(row).toMatchObject({ status: 'completed', is_billable: true, duration_minutes: 95 });
    const mine = (await get('/api/time-proposals')).json().items.filter((p: any) => p.session_id === row.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ client_id: clientId, duration_minutes: 95, status: 'pending' });
    const confirmed = await post(`/api/time-proposals/${mine[0].id}/confirm`);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'confirmed', billable_time_id: expect.any(String) });
    expect((await post(`/api/time-proposals/${mine[0].id}/confirm`)).json().code).toBe('not_pending');
    expect((await get(`/api/billable-time/${confirmed.json().billable_time_id}`)).json()).toMatchObject({ client_id: clientId, duration_minutes: 95, amount: 142.2 /* 1.58 h × 90: hours are rounded first */, session_id: row.id });
  });

  it('briefs within the budget, most useful section first, and never from another client\'s project', async () => {
    await t().app.inject({ method: 'PUT', url: `/api/project-states/by-project/${projectId}`, headers: t().adminHeaders, payload: { current_phase: 'rollout', next_actions: ['Switch DNS to the new load balancer'] } });
    await post('/api/decision-logs', { project_id: projectId, decision_text: 'Keep MariaDB 10.11 until the vendor certifies 11' });
    const brief = (await post('/api/hooks/brief', { project_id: projectId, token_budget: 400 })).json();
    expect(brief.text).toContain('Switch DNS to the new load balancer');
    expect(brief.text).toMatch(/Decided \d{4}-\d\d-\d\d: Keep MariaDB 10.11/);
    expect(brief.tokens).toBeLessThanOrEqual(400);
    const tiny = (await post('/api/hooks/brief', { project_id: projectId, token_budget: 50 })).json();
    expect(tiny.tokens).toBeLessThanOrEqual(50);
    const scoped = await t().makeUser('technician', { client_scope: [] });
    const other = (await post('/api/hooks/brief', { project_id: projectId }, scoped.headers)).json();
    expect(other).toMatchObject({ project_id: null, text: '' });
  });

  it('a resumed session reopens, and an end that arrives before the start still ends it', async () => {
    const session = randomUUID();
    await events([ev(session, 'session_end', {}, minutesAgo(10)), ev(session, 'session_start', { source: 'startup' }, minutesAgo(20))]);
    expect(await sessionOf(session)).toMatchObject({ status: 'completed', duration_minutes: 10 });
    await events([ev(session, 'session_start', { source: 'resume' }, minutesAgo(5))]);
    expect(await sessionOf(session)).toMatchObject({ status: 'active', ended_at: null });
  });

  it('a machine or client deleted since setup does not make a session start fail', async () => {
    const session = randomUUID();
    const res = await events([ev(session, 'session_start', { machine_id: randomUUID(), client_id: randomUUID(), mode: 'msp' })]);
    expect(res.json()).toEqual({ applied: 1, duplicates: 0, rejected: [] });
    expect(await sessionOf(session)).toMatchObject({ machine_id: null, client_id: null, mode: 'msp' });
  });

  it('a technician scoped to one client cannot start, add to, end or reopen another client\'s session, nor ingest into it', async () => {
    const mine = (await post('/api/clients', mspBuild.client())).json().id;
    const scoped = await t().makeUser('technician', { client_scope: [mine] });
    const minted = await post('/api/api-keys', { name: 'scoped hook key' }, scoped.headers);
    expect(minted.statusCode, minted.body).toBe(201);
    const keyHeaders = { authorization: `Bearer ${minted.json().key}` };
    const asScoped = (list: object[]) => post('/api/hooks/events', { events: list }, keyHeaders);

    // Naming another client (or its project) starts nothing under it: no session of its, no time proposal for it.
    const s1 = randomUUID();
    expect((await asScoped([ev(s1, 'session_start', { mode: 'msp', client_id: clientId }, minutesAgo(90)), ev(s1, 'session_end', {})])).json()).toMatchObject({ applied: 2, rejected: [] });
    expect(await sessionOf(s1)).toMatchObject({ client_id: null, project_id: null });
    const s2 = randomUUID();
    await asScoped([ev(s2, 'session_start', { project_id: projectId, client_id: clientId }, minutesAgo(90))]);
    expect(await sessionOf(s2)).toMatchObject({ client_id: null, project_id: null });
    expect((await get('/api/time-proposals')).json().items.filter((p: any) => p.client_id === clientId && [s1, s2].includes(p.session_id))).toEqual([]);
    expect((await post('/api/hooks/scope', { client_id: clientId }, keyHeaders)).json()).toEqual({ project_id: null, client_id: null, project_name: null });
    expect((await post('/api/hooks/scope', { client_id: mine }, keyHeaders)).json().client_id).toBe(mine);

    // The admin's session for that client: the scoped key can neither add to it, end it, nor reopen it.
    const theirs = randomUUID();
    await events([ev(theirs, 'session_start', { mode: 'msp', client_id: clientId }, minutesAgo(30)), ev(theirs, 'session_end', {}, minutesAgo(20))]);
    const before = await sessionOf(theirs);
    expect(before).toMatchObject({ client_id: clientId, status: 'completed' });
    const attempts = [ev(theirs, 'file_change', { file_path: '/x' }), ev(theirs, 'command_run', { command: 'rm -rf /', success: true }),
      ev(theirs, 'session_start', { source: 'resume' }), ev(theirs, 'session_end', {})];
    const res = (await asScoped(attempts)).json();
    expect(res).toMatchObject({ applied: 0, duplicates: 0 });
    expect(res.rejected.map((r: any) => r.key)).toEqual(attempts.map((a) => a.key));
    expect(res.rejected[0].reason).toMatch(/not found/);
    expect(await sessionOf(theirs)).toEqual(before);
    expect((await get(`/api/file-changes?session_id=${before.id}`)).json().total).toBe(0);
    const ingest = await post('/api/memory/ingest', { session: { external_id: theirs }, turns: [{ ref: 'x:1', role: 'user', text: 'planted into another client' }] }, keyHeaders);
    expect(ingest.statusCode).toBe(404);
    expect((await get(`/api/context-snippets?session_id=${before.id}`)).json().total).toBe(0);
  });

  it('refuses malformed events and read-only callers', async () => {
    const bad = await events([{ key: 'k', type: 'file_change', at: 'yesterday', session: 's', data: {} }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['events.0.at', 'events.0.data.file_path']));
    const viewer = await t().makeUser('viewer');
    expect((await post('/api/hooks/events', { events: [ev(randomUUID(), 'session_end', {})] }, viewer.headers)).statusCode).toBe(403);
  });
});
