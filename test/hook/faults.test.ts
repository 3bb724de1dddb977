import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest, createServer as createHttpServer } from 'node:http';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flush as flushNow } from '../../src/hook/flush.js';
import { pendingCount, spool } from '../../src/hook/spool.js';
import { jsonl, lines } from './fixtures/transcript.js';
import { ADMIN, api, eventually, newMachine, runHook, runHookAsync, sessionId, setup, startServer, type Machine } from './support.js';

/** Nothing lost, nothing doubled: the server down, hanging, or dying after it committed; a corrupt spool; concurrent writers; skewed clocks. */
describe('hook faults', () => {
  const serverHome = mkdtempSync(join(tmpdir(), 'ct-srv-'));
  const start = () => startServer({ CLAUDETOOLS_HOME: serverHome, CLAUDETOOLS_ADMIN_EMAIL: ADMIN.email, CLAUDETOOLS_ADMIN_PASSWORD: ADMIN.password });
  let server: Awaited<ReturnType<typeof start>>;
  let m: Machine;
  let dir: string;
  const extra: Server[] = [];

  const pointTo = (url: string) => writeFileSync(join(m.ctHome, 'config.json'), JSON.stringify({ ...m.config(), server_url: url }), { mode: 0o600 });
  const spoolDir = () => join(m.ctHome, 'spool');
  const pending = () => pendingCount({ CLAUDETOOLS_HOME: m.ctHome });
  const flush = () => {
    const r = m.cli(['flush', '--json']);
    return { ...JSON.parse(r.stdout), code: r.code };
  };
  const sessionRows = async (id: string) => (await api(m, 'GET', `/api/sessions?external_session_id=${id}`)).items;
  const count = async (path: string) => (await api(m, 'GET', path)).total as number;
  const base = (session: string, event: string, extra: Record<string, unknown> = {}) =>
    ({ session_id: session, transcript_path: join(m.claudeDir, 'projects', '-billing', `${session}.jsonl`), cwd: dir, hook_event_name: event, ...extra });
  /** Background flushers the hooks started must be done before we look at or copy the spool. */
  const quiet = () => eventually(() => expect(readdirSync(spoolDir()).filter((f) => f.includes('.sending') || f === '.flush.lock')).toEqual([]));
  const listen = (handler: (sock: import('node:net').Socket) => void) => new Promise<string>((resolve) => {
    const s = createServer(handler);
    extra.push(s);
    s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as { port: number }).port}`));
  });

  beforeAll(async () => {
    server = await start();
    m = newMachine();
    setup(m, server.url);
    m.cli(['project', 'add', '--name', 'Billing', '--slug', 'billing']);
    dir = m.project('billing');
  });
  afterAll(async () => {
    await server.stop();
    for (const s of extra) s.close();
  });

  it('with the server down for a whole session every hook exits 0 at once, and everything arrives once when it is back', async () => {
    await server.stop();
    const session = sessionId();
    const transcript = base(session, 'Stop').transcript_path;
    mkdirSync(join(transcript, '..'), { recursive: true });
    const runs = [
      runHook(m, 'session-start', base(session, 'SessionStart', { source: 'startup' })),
      runHook(m, 'user-prompt-submit', base(session, 'UserPromptSubmit', { prompt: 'How do we deploy the billing service?' })),
      runHook(m, 'post-tool-use', base(session, 'PostToolUse', { tool_name: 'Edit', tool_input: { file_path: `${dir}/deploy.sh`, old_string: 'a', new_string: 'b' }, tool_response: {}, tool_use_id: 'toolu_1' })),
      runHook(m, 'post-tool-use', base(session, 'PostToolUse', { tool_name: 'Bash', tool_input: { command: './deploy.sh staging' }, tool_response: { stdout: 'ok', stderr: '', interrupted: false }, tool_use_id: 'toolu_2' })),
      runHook(m, 'post-tool-use-failure', base(session, 'PostToolUseFailure', { tool_name: 'Bash', tool_input: { command: './deploy.sh prod' }, error: 'Exit code 2\nno route to host', tool_use_id: 'toolu_3' })),
    ];
    writeFileSync(transcript, jsonl(lines.userText, lines.assistantToolUse, lines.assistantDecision));
    runs.push(runHook(m, 'stop', base(session, 'Stop', { stop_hook_active: false })));
    runs.push(runHook(m, 'session-end', base(session, 'SessionEnd', { reason: 'other' })));
    for (const r of runs) {
      expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
      expect(r.ms).toBeLessThan(5000);
    }
    await quiet();
    expect(pending()).toBe(6); // session start, three tool events, one ingest of the transcript, session end
    const copies = readdirSync(spoolDir()).filter((f) => f.endsWith('.jsonl')).map((f) => [f, readFileSync(join(spoolDir(), f), 'utf8')] as const);
    // Redacted on the machine, before the spool: the secret and the <private> span never touch the disk queue.
    const spooled = copies.map(([, text]) => text).join('');
    expect(spooled).toContain('backup VLAN');
    expect(spooled).toContain('[REDACTED:github_token]');
    expect(spooled).not.toContain('ghp_abcdefghij');
    expect(spooled).not.toContain('12 Elm St');

    server = await start();
    pointTo(server.url);
    m.apiUrl = server.url;
    expect(flush()).toMatchObject({ delivered: 6, rejected: 0, corrupt: 0, left: 0, code: 0 });
    const [row] = await sessionRows(session);
    expect(await sessionRows(session)).toHaveLength(1);
    expect(row).toMatchObject({ status: 'completed', cwd: dir });
    const counts = async () => [await count(`/api/file-changes?session_id=${row.id}`), await count(`/api/command-runs?session_id=${row.id}`),
      await count(`/api/context-snippets?session_id=${row.id}`), await count(`/api/decision-logs?session_id=${row.id}`)];
    const first = await counts();
    expect(first).toEqual([1, 2, 3, 1]);

    // The server committed but the answers were lost (killed mid-response): the spool is delivered again, and nothing doubles.
    for (const [f, text] of copies) writeFileSync(join(spoolDir(), f), text);
    expect(flush()).toMatchObject({ delivered: 6, left: 0 });
    expect(await counts()).toEqual(first);
  });

  it('a response lost in transit (connection cut after the server answered) keeps the entry, and the retry stores nothing twice', async () => {
    const target = new URL(server.url);
    const cutter = await listen((sock) => {
      const up = connect(Number(target.port), target.hostname);
      sock.pipe(up);
      up.once('data', () => { sock.destroy(); up.destroy(); });
      up.on('error', () => sock.destroy());
    });
    pointTo(cutter);
    const session = sessionId();
    runHook(m, 'post-tool-use', base(session, 'PostToolUse', { tool_name: 'Write', tool_input: { file_path: `${dir}/cut.txt`, content: 'x' }, tool_response: { type: 'create' }, tool_use_id: 'toolu_cut' }));
    await quiet();
    expect(pending()).toBe(1);
    const [row] = await eventually(async () => { const rows = await sessionRows(session); expect(rows).toHaveLength(1); return rows; });
    expect(await count(`/api/file-changes?session_id=${row.id}`)).toBe(1);
    pointTo(server.url);
    expect(flush()).toMatchObject({ delivered: 1, left: 0 });
    expect(await count(`/api/file-changes?session_id=${row.id}`)).toBe(1);
  });

  it('a hanging server costs a prompt at most the recall timeout, and loses nothing', async () => {
    const hang = await listen(() => { /* accepts, never answers */ });
    pointTo(hang);
    const session = sessionId();
    const prompt = runHook(m, 'user-prompt-submit', base(session, 'UserPromptSubmit', { prompt: 'What did we decide about the backup VLAN?' }));
    expect([prompt.code, prompt.stdout]).toEqual([0, '']);
    expect(prompt.ms).toBeLessThan(2500);
    const post = runHook(m, 'post-tool-use', base(session, 'PostToolUse', { tool_name: 'Edit', tool_input: { file_path: `${dir}/hang.txt`, old_string: 'a', new_string: 'b' }, tool_response: {}, tool_use_id: 'toolu_h' }));
    expect(post.code).toBe(0);
    await quiet();
    expect(pending()).toBe(1);
    expect(readFileSync(join(m.ctHome, 'logs', 'hook.log'), 'utf8')).toMatch(/recall: timed out after 800 ms/);
    pointTo(server.url);
    expect(flush()).toMatchObject({ delivered: 1, left: 0 });
    const [row] = await sessionRows(session);
    expect(await count(`/api/file-changes?session_id=${row.id}`)).toBe(1);
  });

  it('a corrupt spool line, or an entry the server refuses, is set aside and never blocks the lines around it', async () => {
    const session = sessionId();
    const event = (key: string, file: string) => ({ v: 1 as const, key, kind: 'event' as const, at: new Date().toISOString(),
      body: { type: 'file_change', at: new Date().toISOString(), session, data: { file_path: file } } });
    mkdirSync(spoolDir(), { recursive: true });
    writeFileSync(join(spoolDir(), '00000000000001-1-abcdef01.jsonl'),
      `${JSON.stringify(event(`k1-${session}`, 'a.txt'))}\n{"v":1,"key":"broken","kind":"ev\n\u0000\u0000garbage\n${JSON.stringify(event(`k2-${session}`, 'b.txt'))}\n`
      + `${JSON.stringify(event(`k3-${session}`, ''))}\n`); // well formed, but no file path: the server refuses it, alone
    expect(flush()).toMatchObject({ delivered: 2, rejected: 1, corrupt: 2, left: 0 });
    expect(readFileSync(join(spoolDir(), 'rejected', '00000000000001-1-abcdef01.jsonl.txt'), 'utf8')).toContain(`k3-${session}`);
    const [row] = await sessionRows(session);
    expect((await api(m, 'GET', `/api/file-changes?session_id=${row.id}`)).items.map((c: any) => c.file_path).sort()).toEqual(['a.txt', 'b.txt']);
    expect(readFileSync(join(spoolDir(), 'corrupt', '00000000000001-1-abcdef01.jsonl.txt'), 'utf8')).toContain('"key":"broken"');
  });

  it('many hooks spooling at the same moment never interleave or lose a line', async () => {
    pointTo('http://127.0.0.1:9'); // nothing listens: every hook only spools
    const session = sessionId();
    const n = 24;
    const codes = await Promise.all(Array.from({ length: n }, (_, i) => runHookAsync(m, 'post-tool-use',
      base(session, 'PostToolUse', { tool_name: 'Write', tool_input: { file_path: `${dir}/f${i}.txt`, content: 'x'.repeat(20_000) }, tool_response: {}, tool_use_id: `toolu_c${i}` }))));
    expect(codes).toEqual(Array(n).fill(0));
    await quiet();
    expect(pending()).toBe(n);
    pointTo(server.url);
    expect(flush()).toMatchObject({ delivered: n, corrupt: 0, left: 0 });
    const [row] = await sessionRows(session);
    expect(await count(`/api/file-changes?session_id=${row.id}`)).toBe(n);
  });

  it('many hooks at once with the server up: their flushers compete for the same files, each event is stored once', async () => {
    pointTo(server.url);
    const session = sessionId();
    const n = 16;
    const codes = await Promise.all(Array.from({ length: n }, (_, i) => runHookAsync(m, 'post-tool-use',
      base(session, 'PostToolUse', { tool_name: 'Write', tool_input: { file_path: `${dir}/live${i}.txt`, content: 'x' }, tool_response: {}, tool_use_id: `toolu_live${i}` }))));
    expect(codes).toEqual(Array(n).fill(0));
    await quiet();
    expect(pending()).toBe(0);
    const [row] = await sessionRows(session);
    expect(await count(`/api/file-changes?session_id=${row.id}`)).toBe(n);
    expect(existsSync(join(spoolDir(), 'rejected', 'x')) || readdirSync(spoolDir()).some((f) => f.endsWith('.tmp'))).toBe(false);
    const log = existsSync(join(m.ctHome, 'logs', 'hook.log')) ? readFileSync(join(m.ctHome, 'logs', 'hook.log'), 'utf8') : '';
    expect(log).not.toMatch(/ENOENT|hook crashed/);
  });

  it('a file spooled long ago (an outage) is claimed by one of two live flushers only, and neither throws', async () => {
    const session = sessionId();
    const n = 5;
    const at = new Date().toISOString();
    mkdirSync(spoolDir(), { recursive: true });
    const name = '00000000000002-1-abcdef02.jsonl';
    writeFileSync(join(spoolDir(), name), Array.from({ length: n }, (_, i) => JSON.stringify({ v: 1, key: `old-${i}-${session}`, kind: 'event', at,
      body: { type: 'file_change', at, session, data: { file_path: `old${i}.txt` } } })).join('\n') + '\n');
    const longAgo = new Date(Date.now() - 60 * 60_000);
    utimesSync(join(spoolDir(), name), longAgo, longAgo);
    const env = { CLAUDETOOLS_HOME: m.ctHome };
    const conn = { server: server.url, key: m.config().api_key as string };
    const [a, b] = await Promise.all([flushNow(env, conn), flushNow(env, conn)]);
    expect(a.delivered + b.delivered).toBe(n); // sent once, not once per flusher
    expect([a.error, b.error, a.rejected + b.rejected]).toEqual([undefined, undefined, 0]);
    expect(pending()).toBe(0);
    expect(readdirSync(spoolDir()).filter((f) => f.startsWith(name))).toEqual([]);
    const [row] = await sessionRows(session);
    expect(await count(`/api/file-changes?session_id=${row.id}`)).toBe(n);
  });

  it('an ingest with a turn the server refuses (300,000 characters) or a body over 1 MB is split: the normal turns arrive', async () => {
    const session = sessionId();
    const at = new Date().toISOString();
    const turn = (ref: string, text: string) => ({ ref: `${session}:${ref}`, role: 'user', text, at });
    const normal = Array.from({ length: 12 }, (_, i) => turn(`norm${i}`, `Normal turn ${i} about the backup schedule. ${'Rotate the tapes weekly and verify checksums. '.repeat(2000)}`));
    // As an older client spooled it, before turns were capped and batches sized in bytes.
    spool({ CLAUDETOOLS_HOME: m.ctHome }, [{ v: 1, key: `tr:big-${session}`.slice(0, 60), kind: 'ingest', at,
      body: { session: { external_id: session, started_at: at }, turns: [...normal.slice(0, 6), turn('big', `huge ${'q'.repeat(300_000)}`), ...normal.slice(6)] } }]);
    const result = await flushNow({ CLAUDETOOLS_HOME: m.ctHome }, { server: server.url, key: m.config().api_key as string });
    expect(result.error).toBeUndefined();
    expect(pending()).toBe(0);
    const rejected = readdirSync(join(spoolDir(), 'rejected')).map((f) => readFileSync(join(spoolDir(), 'rejected', f), 'utf8')).join('');
    expect(rejected).toContain(`${session}:big`);
    expect(rejected).not.toContain(`${session}:norm`);
    const [row] = await sessionRows(session);
    const refs = new Set<string>();
    for (let offset = 0; ; offset += 200) {
      const page = await api(m, 'GET', `/api/context-snippets?session_id=${row.id}&limit=200&offset=${offset}`);
      for (const c of page.items) for (const r of typeof c.source_refs === 'string' ? JSON.parse(c.source_refs) : c.source_refs) refs.add(r);
      if (offset + 200 >= page.total) break;
    }
    for (const t of normal) expect([...refs], t.ref).toContain(t.ref);
  });

  it('a server behind a path prefix (https://host/ct) gets the spool; a wrong prefix keeps it for later, logged', async () => {
    const target = new URL(server.url);
    const proxy = createHttpServer((req, res) => {
      if (!req.url!.startsWith('/ct/')) { res.writeHead(404, { 'content-type': 'text/html' }); res.end('<h1>no such page</h1>'); return; }
      const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url!.slice(3), headers: req.headers }, (r) => { res.writeHead(r.statusCode!, r.headers); r.pipe(res); });
      req.pipe(up);
    });
    extra.push(proxy as never);
    const base = await new Promise<string>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as { port: number }).port}`)));
    const session = sessionId();
    const at = new Date().toISOString();
    const env = { CLAUDETOOLS_HOME: m.ctHome };
    const key = m.config().api_key as string;
    spool(env, [{ v: 1, key: `prefix-${session}`, kind: 'event', at, body: { type: 'file_change', at, session, data: { file_path: 'prefixed.txt' } } }]);
    const wrong = await flushNow(env, { server: `${base}/nope`, key });
    expect(wrong).toMatchObject({ delivered: 0, rejected: 0, pending: true });
    expect(pending()).toBe(1);
    expect(readFileSync(join(m.ctHome, 'logs', 'hook.log'), 'utf8')).toMatch(/answered 404/);
    const right = await flushNow(env, { server: `${base}/ct/`, key });
    expect(right).toMatchObject({ delivered: 1, rejected: 0 });
    const [row] = await sessionRows(session);
    expect(await count(`/api/file-changes?session_id=${row.id}`)).toBe(1);
  });

  it('a client clock running ahead never dates work in the future; one running behind keeps its past times', async () => {
    const session = sessionId();
    const ahead = new Date(Date.now() + 3 * 3600_000).toISOString();
    const behind = new Date(Date.now() - 3 * 3600_000).toISOString();
    spool({ CLAUDETOOLS_HOME: m.ctHome }, [ahead, behind].map((at, i) => ({ v: 1, key: `skew-${i}-${session}`, kind: 'event', at,
      body: { type: 'file_change', at, session, data: { file_path: `skew${i}.txt` } } })));
    expect(flush()).toMatchObject({ delivered: 2, left: 0 });
    const [row] = await sessionRows(session);
    const changes = (await api(m, 'GET', `/api/file-changes?session_id=${row.id}`)).items.sort((a: any, b: any) => a.file_path.localeCompare(b.file_path));
    expect(changes).toHaveLength(2);
    expect(Date.parse(changes[0].occurred_at)).toBeLessThanOrEqual(Date.now());
    expect(changes[1].occurred_at).toBe(behind);
    expect(row.started_at <= new Date().toISOString()).toBe(true);
  });
});
