import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonl, lines } from './fixtures/transcript.js';
import { api, eventually, newMachine, runHook, sessionId, setup, startTestServer, type Machine } from './support.js';

/** The hook contract end to end: real event JSON into the installed hook file, a real server behind it. */
describe('Claude Code hooks against a real server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let m: Machine;
  let projectId: string;
  let clientId: string;
  let dir: string;

  const sessionRow = async (id: string) => (await api(m, 'GET', `/api/sessions?external_session_id=${id}`)).items[0];
  const base = (session: string, event: string, extra: Record<string, unknown> = {}) =>
    ({ session_id: session, transcript_path: join(m.claudeDir, 'projects', '-src-acme-portal', `${session}.jsonl`), cwd: dir, hook_event_name: event, permission_mode: 'default', ...extra });

  beforeAll(async () => {
    server = await startTestServer();
    m = newMachine();
    setup(m, server.url);
    clientId = JSON.parse(m.cli(['client', 'add', '--name', 'Acme GmbH', '--code', 'ACME', '--rate', '120', '--json']).stdout).id;
    projectId = JSON.parse(m.cli(['project', 'add', '--name', 'Acme Portal', '--slug', 'acme-portal', '--client', 'ACME', '--json']).stdout).id;
    dir = m.project('acme-portal');
  });
  afterAll(async () => { await server.stop(); });

  it('setup registered the machine, wrote a private config and installed every hook', async () => {
    const config = m.config();
    expect(config).toMatchObject({ server_url: server.url, api_key: expect.stringMatching(/^ct_/), machine_id: expect.any(String) });
    expect(statSync(join(m.ctHome, 'config.json')).mode & 0o777).toBe(0o600);
    expect(await api(m, 'GET', `/api/machines/${config.machine_id}`)).toMatchObject({ id: config.machine_id });
    const doctor = m.cli(['doctor']);
    expect(doctor.stdout).not.toContain('FAIL');
    expect(doctor.code, doctor.stdout).toBe(0);
    expect(doctor.stdout).toContain('ok   save and recall');
  });

  it('SessionStart opens the session in the detected project and injects the brief as facts', async () => {
    await api(m, 'PUT', `/api/project-states/by-project/${projectId}`, { current_phase: 'migration', next_actions: ['Move the NAS backup to the new VLAN'] });
    await api(m, 'POST', '/api/tasks', { title: 'Renew the portal TLS certificate', project_id: projectId });
    await api(m, 'POST', '/api/decision-logs', { project_id: projectId, decision_text: 'Use PostgreSQL 16 for the billing database', decision_type: 'technology' });
    const session = sessionId();
    const r = runHook(m, 'session-start', base(session, 'SessionStart', { source: 'startup' }));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.hookSpecificOutput.hookEventName).toBe('SessionStart');
    const text: string = out.hookSpecificOutput.additionalContext;
    expect(text).toContain('phase migration');
    expect(text).toContain('Move the NAS backup to the new VLAN');
    expect(text).toContain('Renew the portal TLS certificate (pending)');
    expect(text).toMatch(/Decided \d{4}-\d\d-\d\d: Use PostgreSQL 16 for the billing database/);
    const row = await eventually(async () => { const s = await sessionRow(session); expect(s).toBeTruthy(); return s; });
    expect(row).toMatchObject({ project_id: projectId, client_id: clientId, machine_id: m.config().machine_id, cwd: dir, status: 'active', mode: 'normal' });
  });

  it('UserPromptSubmit injects the relevant memories within the budget, and nothing for a trivial prompt', async () => {
    await api(m, 'POST', '/api/memory/ingest', { project_id: projectId, session: { external_id: 'seed-1' }, turns: [
      { ref: 'seed:1', role: 'user', text: 'The Synology NAS backup job fails with ECONNREFUSED on port 5001 since the firewall firmware upgrade.' }] });
    const session = sessionId();
    runHook(m, 'session-start', base(session, 'SessionStart', { source: 'startup' }));
    const r = runHook(m, 'user-prompt-submit', base(session, 'UserPromptSubmit', { prompt: 'Why does the Synology backup fail?' }));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.hookSpecificOutput).toMatchObject({ hookEventName: 'UserPromptSubmit', additionalContext: expect.stringContaining('ECONNREFUSED on port 5001') });
    expect(out.hookSpecificOutput.additionalContext.length).toBeLessThan(10_000);
    // Asked again, nothing new to add: Claude still has it in context. After a compaction it is injected again.
    const again = runHook(m, 'user-prompt-submit', base(session, 'UserPromptSubmit', { prompt: 'Why does the Synology backup fail again?' }));
    expect([again.code, again.stdout]).toEqual([0, '']);
    runHook(m, 'session-start', base(session, 'SessionStart', { source: 'compact' }));
    expect(runHook(m, 'user-prompt-submit', base(session, 'UserPromptSubmit', { prompt: 'Why does the Synology backup fail?' })).stdout).toContain('ECONNREFUSED on port 5001');
    for (const prompt of ['ok', 'yes please do', '/compact', 'thanks!']) {
      const t = runHook(m, 'user-prompt-submit', base(session, 'UserPromptSubmit', { prompt }));
      expect([t.code, t.stdout], prompt).toEqual([0, '']);
    }
  });

  it('PostToolUse records file changes and redacted commands; a failure that later succeeds becomes a solution candidate', async () => {
    const session = sessionId();
    runHook(m, 'session-start', base(session, 'SessionStart', { source: 'startup' }));
    const tool = (name: string, input: object, response: object | string, id: string, event = 'PostToolUse', extra: object = {}) =>
      runHook(m, event === 'PostToolUse' ? 'post-tool-use' : 'post-tool-use-failure', base(session, event, { tool_name: name, tool_input: input, tool_response: response, tool_use_id: id, ...extra }));
    const results = [
      tool('Write', { file_path: `${dir}/fw/new-rules.v4`, content: 'a\nb\nc' }, { type: 'create', filePath: `${dir}/fw/new-rules.v4` }, 'toolu_w'),
      tool('Edit', { file_path: `${dir}/fw/rules.v4`, old_string: 'DROP', new_string: 'ACCEPT\n# backup' }, { filePath: `${dir}/fw/rules.v4` }, 'toolu_e'),
      tool('Bash', { command: 'mysql -u root --password Hunter2Hunter2x -e "select 1"' }, { stdout: '1', stderr: '', interrupted: false }, 'toolu_b1'),
      tool('Bash', { command: 'npm   run migrate' }, {}, 'toolu_f1', 'PostToolUseFailure', { error: 'Exit code 1\nError: connect ECONNREFUSED 127.0.0.1:5432' }),
      tool('Bash', { command: 'npm run migrate' }, {}, 'toolu_f2', 'PostToolUseFailure', { error: 'Exit code 1\nError: connect ECONNREFUSED 127.0.0.1:5432' }),
      tool('Edit', { file_path: `${dir}/.env`, old_string: 'PGPORT=5432', new_string: 'PGPORT=5433' }, {}, 'toolu_e2'),
      tool('Bash', { command: 'npm run migrate' }, { stdout: 'migrated 3', stderr: '', interrupted: false }, 'toolu_ok'),
      tool('Read', { file_path: `${dir}/README.md` }, { content: 'x' }, 'toolu_r'),
    ];
    for (const r of results) expect([r.code, r.stdout]).toEqual([0, '']);
    // The same tool call delivered twice (two installs of the hook) is recorded once.
    tool('Edit', { file_path: `${dir}/fw/rules.v4`, old_string: 'DROP', new_string: 'ACCEPT\n# backup' }, {}, 'toolu_e');

    const row = await eventually(async () => { const s = await sessionRow(session); expect(s).toBeTruthy(); return s; });
    // Each hook delivers inline, unless a background flush holds its file for a moment: wait for all of it.
    await eventually(async () => expect((await api(m, 'GET', `/api/command-runs?session_id=${row.id}`)).total).toBe(4));
    const changes = (await api(m, 'GET', `/api/file-changes?session_id=${row.id}&sort=occurred_at`)).items;
    expect(changes.map((c: any) => [c.file_path.replace(dir, ''), c.change_type, c.tool, c.lines_added, c.lines_removed])).toEqual([
      ['/fw/new-rules.v4', 'created', 'Write', 3, null], ['/fw/rules.v4', 'modified', 'Edit', 2, 1], ['/.env', 'modified', 'Edit', 1, 1]]);
    const runs = (await api(m, 'GET', `/api/command-runs?session_id=${row.id}&sort=occurred_at`)).items;
    expect(runs.map((c: any) => [c.command, c.exit_code, c.success])).toEqual([
      ['mysql -u root --password [REDACTED:password] -e "select 1"', 0, true],
      ['npm   run migrate', 1, false], ['npm run migrate', 1, false], ['npm run migrate', 0, true]]);
    expect(runs[1].output_summary).toContain('ECONNREFUSED 127.0.0.1:5432');
    const patterns = (await api(m, 'GET', `/api/failure-patterns?client_id=${clientId}`)).items;
    expect(patterns).toHaveLength(1);
    expect(patterns[0]).toMatchObject({ triggering_command: 'npm run migrate', occurrence_count: 2, pattern_type: 'service_unavailable', is_active: false });
    const solutions = (await api(m, 'GET', `/api/problem-solutions?session_id=${row.id}`)).items;
    expect(solutions).toHaveLength(1);
    expect(solutions[0]).toMatchObject({ problem: '`npm run migrate` failed', recurrence_count: 2, project_id: projectId, client_id: clientId });
    expect(solutions[0].solution).toContain(`${dir}/.env`);
    expect(solutions[0].error_message).toContain('ECONNREFUSED');
  });

  it('Stop and PreCompact save new transcript turns incrementally, redacted, <private> dropped, once', async () => {
    const session = sessionId();
    const input = (event: string) => base(session, event);
    const path = input('Stop').transcript_path as string;
    mkdirSync(join(path, '..'), { recursive: true });
    runHook(m, 'session-start', base(session, 'SessionStart', { source: 'startup' }));
    writeFileSync(path, jsonl(lines.userText, lines.assistantThinking, lines.assistantToolUse, lines.toolResult, lines.assistantEdit, lines.assistantDecision));
    const stop = runHook(m, 'stop', { ...input('Stop'), stop_hook_active: false, last_assistant_message: 'We decided…' });
    expect([stop.code, stop.stdout]).toEqual([0, '']);
    const row = await eventually(async () => { const s = await sessionRow(session); expect(s).toBeTruthy(); return s; });
    const snippets = async () => (await api(m, 'GET', `/api/context-snippets?session_id=${row.id}&limit=100`)).items as any[];
    // Stop delivers what it spooled unless a background flush (started by the session start) holds it: then that one does.
    const first = await eventually(async () => { const got = await snippets(); expect(got).toHaveLength(4); return got; });
    expect(first.map((s) => s.source_refs[0]).sort()).toEqual([`${session}:u1`, `${session}:a2`, `${session}:a3`, `${session}:a4`].sort());
    const all = JSON.stringify(first);
    expect(all).toContain('iptables -L -n');
    expect(all).toContain('rules.v4');
    expect(all).not.toContain('ghp_abcdefghij');
    expect(all).not.toContain('12 Elm St');
    expect(all).not.toContain('SECRET THOUGHTS');
    expect(all).not.toContain('DROP tcp -- 0.0.0.0/0');
    const decisions = (await api(m, 'GET', `/api/decision-logs?session_id=${row.id}`)).items;
    expect(JSON.stringify(decisions)).toContain('allow port 5001 only from the backup VLAN');

    // Nothing new: nothing stored. Then the transcript grows and PreCompact saves only the new turn.
    runHook(m, 'stop', input('Stop'));
    expect(await snippets()).toHaveLength(first.length);
    appendFileSync(path, jsonl(lines.userImage));
    const compact = runHook(m, 'pre-compact', { ...input('PreCompact'), trigger: 'auto', custom_instructions: '' });
    expect([compact.code, compact.stdout]).toEqual([0, '']);
    await eventually(async () => expect((await snippets()).map((s) => s.source_refs[0])).toContain(`${session}:u4`));
    expect(await snippets()).toHaveLength(first.length + 1);

    const recalled = await api(m, 'POST', '/api/memory/recall', { query: 'backup VLAN firewall port 5001', project_id: projectId });
    expect(recalled.text).toContain('backup VLAN');
  });

  it('SessionEnd only spools, answers at once, and the session ends', async () => {
    const session = sessionId();
    runHook(m, 'session-start', base(session, 'SessionStart', { source: 'startup' }));
    const r = runHook(m, 'session-end', base(session, 'SessionEnd', { reason: 'prompt_input_exit' }));
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(r.ms).toBeLessThan(1500);
    const ended = await eventually(async () => { const s = await sessionRow(session); expect(s?.status).toBe('completed'); return s; });
    expect(ended.ended_at).toBeTruthy();
  });

  it('pause, resume and a .claudetools-ignore file switch capture and injection off', async () => {
    const session = sessionId();
    const prompt = base(session, 'UserPromptSubmit', { prompt: 'Why does the Synology backup fail?' });
    const edit = base(session, 'PostToolUse', { tool_name: 'Edit', tool_input: { file_path: `${dir}/paused.txt`, old_string: 'a', new_string: 'b' }, tool_response: {}, tool_use_id: 'toolu_p' });
    expect(m.cli(['pause']).code).toBe(0);
    expect(m.cli(['mode']).stdout).toContain('(paused)');
    expect(runHook(m, 'user-prompt-submit', prompt).stdout).toBe('');
    runHook(m, 'post-tool-use', edit);
    expect(m.cli(['resume']).code).toBe(0);
    expect(runHook(m, 'user-prompt-submit', prompt).stdout).toContain('ECONNREFUSED');

    writeFileSync(join(dir, '.claudetools-ignore'), '');
    try {
      expect(runHook(m, 'user-prompt-submit', { ...prompt, cwd: join(dir) }).stdout).toBe('');
      runHook(m, 'post-tool-use', edit);
    } finally {
      rmSync(join(dir, '.claudetools-ignore'));
    }
    expect(await sessionRow(session)).toBeUndefined();
    const spool = join(m.ctHome, 'spool');
    expect(existsSync(spool) ? readdirSync(spool).filter((f) => f.endsWith('.jsonl')) : []).toEqual([]);
  });

  it('MSP mode scopes the session to the client and proposes billable time on end, to confirm or drop', async () => {
    expect(m.cli(['mode', 'msp', 'ACME']).stdout).toContain('msp (client ACME)');
    try {
      const session = sessionId();
      const startedAt = new Date(Date.now() - 42 * 60_000).toISOString();
      runHook(m, 'session-start', base(session, 'SessionStart', { source: 'startup' }));
      // The session began 42 minutes ago (as if Claude had been running): its first event says so.
      await api(m, 'POST', '/api/hooks/events', { events: [{ key: `test-start-${session}`, type: 'session_start', at: startedAt, session, data: { mode: 'msp', client_id: clientId } }] });
      runHook(m, 'session-end', base(session, 'SessionEnd', { reason: 'logout' }));
      const row = await eventually(async () => { const s = await sessionRow(session); expect(s?.status).toBe('completed'); return s; });
      expect(row).toMatchObject({ mode: 'msp', client_id: clientId, is_billable: true, duration_minutes: 42 });
      const pending = JSON.parse(m.cli(['time', 'pending', '--json']).stdout);
      const mine = pending.find((p: any) => p.session_id === row.id);
      expect(mine).toMatchObject({ client_id: clientId, duration_minutes: 42, status: 'pending' });
      const after = m.cli(['time', 'pending', '--confirm', mine.id, '--json']);
      expect(after.code, after.stderr).toBe(0);
      expect(JSON.parse(after.stdout).some((p: any) => p.id === mine.id)).toBe(false);
      const entries = (await api(m, 'GET', `/api/billable-time?session_id=${row.id}`)).items;
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ client_id: clientId, duration_minutes: 42, amount: 84 });
      expect(m.cli(['time', 'pending', '--confirm', mine.id]).code).not.toBe(0);
    } finally {
      m.cli(['mode', 'normal']);
    }
    expect(m.cli(['mode']).stdout).toBe('mode: normal\n');
  });

  it('runs as a plugin: the launcher finds the installed hook, and userConfig arrives as CLAUDE_PLUGIN_OPTION_* without a config file', () => {
    const bare = newMachine();
    const launcher = join(import.meta.dirname, '../../hooks/launch.cjs');
    const r = spawnSync(process.execPath, [launcher, 'user-prompt-submit'], {
      env: { PATH: process.env.PATH, HOME: bare.home, CLAUDETOOLS_HOOK_FILE: m.config().hook_file, CLAUDE_PLUGIN_OPTION_SERVER_URL: server.url, CLAUDE_PLUGIN_OPTION_API_KEY: m.config().api_key },
      input: JSON.stringify(base(sessionId(), 'UserPromptSubmit', { prompt: 'Why does the Synology backup fail?' })), encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).hookSpecificOutput.additionalContext).toContain('ECONNREFUSED on port 5001');
  });
});
