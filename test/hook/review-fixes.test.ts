import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceFile, writeSettings } from '../../src/cli/claude-settings.js';
import { ingestEntries, INGEST_BODY_BYTES, MAX_TURN_CHARS } from '../../src/hook/capture.js';
import { apiUrl, DEFAULT_SERVER_URL, resolveConnection } from '../../src/hook/connection.js';
import { splitIngest } from '../../src/hook/flush.js';
import { gitInfo } from '../../src/hook/git.js';
import { isTransientResponse, requestJson } from '../../src/hook/http.js';
import { runHook } from '../../src/hook/run.js';
import { addHooks, hookCommand, HOOK_SPECS, installedEvents } from '../../src/hook/settings.js';
import { cleanTmpFiles, type SpoolEntry } from '../../src/hook/spool.js';
import { boundOutput, toolEvent } from '../../src/hook/tool-events.js';
import { readTranscript, turnsFromLines } from '../../src/hook/transcript.js';
import { jsonl, lines, SESSION } from './fixtures/transcript.js';
import { buildHook } from './support.js';

const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const config = { server: 'http://127.0.0.1:9', key: undefined } as never;

describe('review fixes: sizes', () => {
  it('a 300,000-character turn is cut (head and tail kept) and every ingest stays under the server limits', () => {
    const turns = [
      { ref: 's:1', role: 'user' as const, text: 'normal question about the VPN' },
      { ref: 's:2', role: 'assistant' as const, text: `HEAD-START ${'é'.repeat(300_000)} TAIL-END` },
      ...Array.from({ length: 30 }, (_, i) => ({ ref: `s:n${i}`, role: 'assistant' as const, text: `answer ${i} ${'ü'.repeat(60_000)}` })),
    ];
    const entries = ingestEntries({ config, at: '2026-03-02T09:00:00.000Z' }, 's', '2026-03-02T09:00:00.000Z', undefined, turns, {});
    const sent = entries.flatMap((e) => e.body.turns as { ref: string; text: string }[]);
    expect(sent.map((t) => t.ref)).toEqual(turns.map((t) => t.ref));
    for (const t of sent) expect(t.text.length).toBeLessThanOrEqual(MAX_TURN_CHARS);
    const big = sent[1]!.text;
    expect(big.startsWith('HEAD-START')).toBe(true);
    expect(big.endsWith('TAIL-END')).toBe(true);
    expect(big).toContain('characters left out');
    for (const e of entries) expect(Buffer.byteLength(JSON.stringify({ ...e.body, idempotency_key: e.key }))).toBeLessThan(Math.min(INGEST_BODY_BYTES + 10_000, 1024 * 1024));
    expect(entries.length).toBeGreaterThan(1);
  });

  it('splits an ingest in halves with derived, stable keys; a single turn or an event is not split', () => {
    const entry: SpoolEntry = { v: 1, key: 'tr:abc', kind: 'ingest', at: 'x', body: { session: { external_id: 's' }, turns: [1, 2, 3] } };
    const [a, b] = splitIngest(entry)!;
    expect([a.key, a.body.turns, b.key, b.body.turns]).toEqual(['tr:abc/a', [1, 2], 'tr:abc/b', [3]]);
    expect(splitIngest(entry)![0].key).toBe(a.key);
    expect(splitIngest({ ...entry, body: { turns: [1] } })).toBeNull();
    expect(splitIngest({ ...entry, kind: 'event' })).toBeNull();
  });
});

describe('review fixes: odd transcript lines', () => {
  it('a null block, a non-string text, a tool call with input null are skipped; the read moves past them', () => {
    const odd = [
      { ...lines.userText, uuid: 'o1', message: { role: 'user', content: [null, { type: 'text', text: 42 }, 'bare string'] } },
      { ...lines.assistantEdit, uuid: 'o2', message: { id: 'msg_o2', role: 'assistant', content: [{ type: 'tool_use', name: 'Edit', input: null }, { type: 'tool_use', name: 'Bash', input: null }] } },
      { ...lines.assistantEdit, uuid: 'o3', message: { id: 'msg_o3', role: 'assistant', content: null } },
      { ...lines.userText, uuid: 'o4', message: { role: 'user', content: [{ type: 'tool_result', is_error: true, content: [null, { text: { nested: 1 } }] }] } },
      { type: 'summary', summary: null },
      { ...lines.userText, uuid: null, message: null },
    ];
    const dir = tmp('ct-odd-');
    const path = join(dir, 't.jsonl');
    const content = jsonl(lines.userText, ...odd, lines.assistantDecision);
    writeFileSync(path, content);
    const read = readTranscript(path, 0, SESSION);
    expect(read.offset).toBe(Buffer.byteLength(content));
    const refs = read.turns.map((t) => t.ref);
    expect(refs[0]).toBe(`${SESSION}:u1`);
    expect(refs.at(-1)).toBe(`${SESSION}:a4`);
    expect(read.turns.find((t) => t.ref.endsWith(':o2'))?.text).toBe('Edited a file\nRan a command');
  });

  it('a line without uuid is named by its byte offset: two reads never share a ref, and a re-read gives the same one', () => {
    const noId = (text: string) => ({ type: 'user', message: { role: 'user', content: text } });
    const first = jsonl(noId('first question without uuid'));
    const second = jsonl(noId('second question without uuid'));
    const dir = tmp('ct-noid-');
    const path = join(dir, 't.jsonl');
    writeFileSync(path, first);
    const one = readTranscript(path, 0, SESSION);
    writeFileSync(path, first + second);
    const two = readTranscript(path, one.offset, SESSION);
    expect(one.turns[0]!.ref).not.toBe(two.turns[0]!.ref);
    expect(readTranscript(path, 0, SESSION).turns.map((t) => t.ref)).toEqual([one.turns[0]!.ref, two.turns[0]!.ref]);
  });
});

describe('review fixes: redaction before any cut', () => {
  it('a token, a <private> block or a PEM key straddling the output cut is still redacted', () => {
    const token = boundOutput(`${'a'.repeat(790)} ${TOKEN} ${'x'.repeat(10_000)}`);
    expect(token).not.toContain('ghp_');
    const priv = boundOutput(`${'a'.repeat(780)} <private>my secret street 12 Elm</private> ${'x'.repeat(10_000)}`);
    expect(priv).not.toMatch(/my sec|private/);
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2xKkq8zPnGvTLwJ1Bq\n'.repeat(40)}-----END RSA PRIVATE KEY-----`;
    const key = boundOutput(`${'log line\n'.repeat(1000)}${pem}\ndone`);
    expect(key).not.toContain('MIIEpAIBAAKCAQEA');
    expect(key.endsWith('done')).toBe(true);
  });

  it('a token across the 500-character cut of a command in the transcript is redacted', () => {
    const command = `${'x'.repeat(485)} --token ${TOKEN}`;
    const [turn] = turnsFromLines([JSON.stringify({ ...lines.assistantToolUse, message: { id: 'm', role: 'assistant', content: [{ type: 'tool_use', name: 'Bash', input: { command } }] } })], SESSION);
    expect(turn!.text).not.toContain('ghp_');
    const title = turnsFromLines([JSON.stringify({ type: 'summary', summary: `${'t'.repeat(290)} ${TOKEN}` })], SESSION, {});
    expect(title).toEqual([]);
    const meta: { title?: string } = {};
    turnsFromLines([JSON.stringify({ type: 'summary', summary: `${'t'.repeat(290)} ${TOKEN}` })], SESSION, meta);
    expect(meta.title).not.toContain('ghp_');
  });
});

describe('review fixes: what a session start sends', () => {
  it('strips credentials from the git remote and redacts cwd, the title and a command run cwd', async () => {
    const home = tmp('ct-ss-');
    const repo = join(home, 'src', `work-${TOKEN}`);
    mkdirSync(join(repo, '.git'), { recursive: true });
    writeFileSync(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(repo, '.git', 'config'), `[remote "origin"]\n\turl = https://deploy:${TOKEN}@github.com/acme/portal.git\n`);
    expect(gitInfo(repo).remote).toBe('https://github.com/acme/portal.git');
    const env = { CLAUDETOOLS_HOME: join(home, '.claudetools'), HOME: home };
    await runHook('session-start', JSON.stringify({ session_id: 'ss1', cwd: repo, hook_event_name: 'SessionStart', source: 'startup' }), env);
    const spoolDir = join(home, '.claudetools', 'spool');
    const spooled = readdirSync(spoolDir).filter((f) => f.endsWith('.jsonl')).map((f) => readFileSync(join(spoolDir, f), 'utf8')).join('');
    expect(spooled).toContain('github.com/acme/portal');
    expect(spooled).toContain('"cwd"');
    expect(spooled).not.toContain('ghp_');
    expect(spooled).not.toContain('deploy:');
    const run = toolEvent({ session_id: 's', tool_name: 'Bash', cwd: repo, tool_input: { command: 'ls' }, tool_response: { stdout: 'x' } }, 'now');
    expect(JSON.stringify(run)).not.toContain('ghp_');
    const [entry] = ingestEntries({ config, at: 'now' }, 's', 'now', `Deploy with ${TOKEN}`, [{ ref: 's:1', role: 'user', text: 'hello there' }], {});
    expect(JSON.stringify(entry)).not.toContain('ghp_');
  });
});

describe('review fixes: settings.json', () => {
  const HOOK = '/home/me/.claudetools/bin/hook.cjs';
  it('uses plain node, and after a node upgrade replaces our hooks instead of adding a second set', () => {
    const old = addHooks({ hooks: { Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }] } }, '/opt/node-18/bin/node', HOOK);
    // A duplicate left by an older setup is dropped too.
    old.hooks.UserPromptSubmit.push({ hooks: [{ type: 'command', command: `/usr/local/bin/node ${HOOK} user-prompt-submit`, timeout: 5 }] });
    const now = addHooks(old, 'node', HOOK);
    for (const spec of HOOK_SPECS) {
      const commands = (now.hooks[spec.event] as { hooks: { command: string }[] }[]).flatMap((g) => g.hooks.map((h) => h.command)).filter((c) => c.includes(HOOK));
      expect(commands, spec.event).toEqual([hookCommand('node', HOOK, spec.arg)]);
    }
    expect(now.hooks.Stop[0]).toEqual({ hooks: [{ type: 'command', command: 'say done' }] });
    expect(addHooks(now, 'node', HOOK)).toEqual(now);
    expect(installedEvents(now, HOOK)).toEqual(HOOK_SPECS.map((s) => s.event));
  });

  it('keeps the file mode, follows a symlinked settings.json, and installs files by rename', () => {
    const dir = tmp('ct-settings-');
    const real = join(dir, 'dotfiles', 'claude-settings.json');
    mkdirSync(join(dir, 'dotfiles'));
    writeFileSync(real, '{"model":"opus"}');
    chmodSync(real, 0o600);
    const link = join(dir, 'settings.json');
    symlinkSync(real, link);
    const backup = writeSettings(link, { model: 'opus', hooks: {} });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(real, 'utf8'))).toEqual({ model: 'opus', hooks: {} });
    expect(statSync(real).mode & 0o777).toBe(0o600);
    expect(statSync(backup!).mode & 0o777).toBe(0o600);
    expect(readFileSync(backup!, 'utf8')).toBe('{"model":"opus"}');

    const target = join(dir, 'hook.cjs');
    writeFileSync(target, 'old');
    const before = statSync(target).ino;
    replaceFile(target, 'new content', 0o755);
    expect(statSync(target).ino).not.toBe(before); // a new file renamed over: a reader never sees a half-written one
    expect([readFileSync(target, 'utf8'), statSync(target).mode & 0o777]).toEqual(['new content', 0o755]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('review fixes: connection', () => {
  it('one rule for the hooks and the CLI: env, plugin options, config file, default', () => {
    expect(resolveConnection({}, {})).toEqual({ server: DEFAULT_SERVER_URL, key: undefined });
    expect(resolveConnection({ CLAUDE_PLUGIN_OPTION_SERVER_URL: 'https://p/ct/', CLAUDE_PLUGIN_OPTION_API_KEY: 'ct_p' }, { server_url: 'http://c', api_key: 'ct_c' })).toEqual({ server: 'https://p/ct', key: 'ct_p' });
    expect(resolveConnection({ CLAUDETOOLS_SERVER: 'http://e', CLAUDE_PLUGIN_OPTION_SERVER_URL: 'https://p' }, { server_url: 'http://c', api_key: 'ct_c' })).toEqual({ server: 'http://e', key: 'ct_c' });
    expect(apiUrl('https://h/ct/', '/api/health')).toBe('https://h/ct/api/health');
  });

  it('keeps a server path prefix; a route 404 is retried later, an entry 404 is not', async () => {
    const seen: string[] = [];
    const srv = createServer((req, res) => { seen.push(req.url!); res.writeHead(req.url === '/ct/api/health' ? 200 : 404, { 'content-type': 'application/json' }); res.end('{"ok":true}'); });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const port = (srv.address() as { port: number }).port;
      const res = await requestJson({ server: `http://127.0.0.1:${port}/ct`, key: 'k' }, 'GET', '/api/health', undefined, 2000);
      expect([res.status, seen]).toEqual([200, ['/ct/api/health']]);
    } finally { srv.close(); }
    expect(isTransientResponse({ status: 404, body: { code: 'route_not_found' } })).toBe(true);
    expect(isTransientResponse({ status: 404, body: '<html>' })).toBe(true);
    expect(isTransientResponse({ status: 403, body: null })).toBe(true);
    expect(isTransientResponse({ status: 404, body: { code: 'not_found' } })).toBe(false);
    expect(isTransientResponse({ status: 400, body: null })).toBe(false);
  });
});

describe('review fixes: process hygiene', () => {
  it('removes temporary spool files a dead writer left, keeps fresh ones', () => {
    const home = tmp('ct-tmp-');
    const dir = join(home, 'spool');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.old.jsonl.tmp'), 'x');
    writeFileSync(join(dir, 'a.jsonl.sending-1-2.tmp'), 'x');
    writeFileSync(join(dir, '.fresh.jsonl.tmp'), 'x');
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(join(dir, '.old.jsonl.tmp'), old, old);
    utimesSync(join(dir, 'a.jsonl.sending-1-2.tmp'), old, old);
    cleanTmpFiles({ CLAUDETOOLS_HOME: home });
    expect(readdirSync(dir)).toEqual(['.fresh.jsonl.tmp']);
  });

  it('a hook whose stdin never closes exits 0 on its own, without output', async () => {
    const hook = await buildHook();
    const home = tmp('ct-stdin-');
    const child = spawn(process.execPath, [hook, 'user-prompt-submit'], { env: { PATH: process.env.PATH, HOME: home, CLAUDETOOLS_STDIN_TIMEOUT_MS: '500' }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.write('{"session_id":"s","prompt":"what did we decide');
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect([code, out]).toEqual([0, '']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(readFileSync(join(home, '.claudetools', 'logs', 'hook.log'), 'utf8')).toContain('stdin still open');
  }, 30_000);
});
