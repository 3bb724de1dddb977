import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHookBundle } from '../../src/cli/hook-bundle.js';

let hookFile: string;
beforeAll(async () => { hookFile = await buildHookBundle(join(mkdtempSync(join(tmpdir(), 'ct-bundle-')), 'hook.cjs')); });

function machine(serverUrl: string) {
  const home = mkdtempSync(join(tmpdir(), 'ct-bundle-home-'));
  mkdirSync(join(home, '.claudetools'), { recursive: true });
  writeFileSync(join(home, '.claudetools', 'config.json'), JSON.stringify({ server_url: serverUrl, api_key: 'ct_x' }));
  return home;
}

function run(home: string, event: string, input: object, nodeFlags: string[] = []) {
  return spawnSync(process.execPath, [...nodeFlags, hookFile, event], { input: JSON.stringify(input), env: { PATH: process.env.PATH, HOME: home }, encoding: 'utf8', timeout: 20_000 });
}

/** The same without blocking this process, which serves the recall stub below. */
function runAsync(home: string, event: string, input: object, nodeFlags: string[] = []): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeFlags, hookFile, event], { env: { PATH: process.env.PATH, HOME: home }, stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.on('close', (status) => resolve({ status, stdout }));
    child.stdin.end(JSON.stringify(input));
  });
}

/** A capturing hook with the server down: it must exit 0, print nothing and spool the memory. */
function postToolUse(home: string, nodeFlags: string[] = []) {
  const input = { session_id: 'b', transcript_path: '/dev/null', cwd: home, hook_event_name: 'PostToolUse', tool_name: 'Bash',
    tool_input: { command: `npm test ${['gh', 'p_', 'abcdefghijklmnopqrstuvwxyz0123456789'].join('')}` }, tool_response: { stdout: 'ok', exitCode: 0 }, tool_use_id: 't1' };
  return run(home, 'post-tool-use', input, nodeFlags);
}

const spooled = (home: string) => {
  const spool = join(home, '.claudetools', 'spool');
  return existsSync(spool) ? readdirSync(spool).filter((f) => f.endsWith('.jsonl')).map((f) => readFileSync(join(spool, f), 'utf8')).join('') : '';
};

/** A recall endpoint that keeps the queries it was sent, and an events endpoint that keeps the events. */
let recall: Server;
const queries: string[] = [];
const events: { key: string }[] = [];
beforeAll(async () => {
  recall = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/hooks/events') {
        events.push(...JSON.parse(body).events);
        return res.end(JSON.stringify({ accepted: JSON.parse(body).events.length, rejected: [] }));
      }
      queries.push(JSON.parse(body).query);
      res.end(JSON.stringify({ items: [{ id: `m${queries.length}` }], text: 'Decided 2026-03-02: the backup runs at 02:00.' }));
    });
  });
  await new Promise<void>((resolve) => recall.listen(0, '127.0.0.1', resolve));
});
afterAll(() => { recall.close(); });
const recallUrl = () => `http://127.0.0.1:${(recall.address() as AddressInfo).port}`;

describe('hook bundle', () => {
  it('is the plain esbuild bundle: no code-cache loader, and running it leaves nothing beside it', () => {
    const text = readFileSync(hookFile, 'utf8');
    expect(text).not.toMatch(/cachedData|createCachedData|produceCachedData/);
    for (let i = 0; i < 2; i++) {
      const home = machine('http://127.0.0.1:1');
      const r = postToolUse(home);
      expect({ status: r.status, signal: r.signal, stdout: r.stdout }).toEqual({ status: 0, signal: null, stdout: '' });
      expect(spooled(home)).toContain('[REDACTED:github_token]');
    }
    expect(readdirSync(dirname(hookFile))).toEqual(['hook.cjs']);
  });

  it('starts with only the prompt path as code: the other handlers and the redactor are strings until used', () => {
    const text = readFileSync(hookFile, 'utf8');
    // Outside string literals the bundle names neither a redaction placeholder nor the transcript reader.
    const code = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""');
    expect(code).not.toContain('REDACTED');
    expect(code.length).toBeLessThan(text.length / 3);
    // One copy of the redactor, shared by the prompt path and the other handlers.
    expect(text.split('azure_sas_signature')).toHaveLength(2);
    expect(text).toContain('REDACTED');
  });

  it('sends a prompt redacted when it may hold a secret and as it is when it is plain prose', async () => {
    const home = machine(recallUrl());
    const token = ['gh', 'p_', 'abcdefghijklmnopqrstuvwxyz0123456789'].join('');
    const base = { transcript_path: '/dev/null', cwd: home, hook_event_name: 'UserPromptSubmit' };
    const secret = await runAsync(home, 'user-prompt-submit', { ...base, session_id: 'p1', prompt: `Why does the deploy with ${token} and <private>pin 4711</private> fail?` });
    const plain = await runAsync(home, 'user-prompt-submit', { ...base, session_id: 'p2', prompt: 'Why does the nightly backup fail?' });
    for (const r of [secret, plain]) {
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).hookSpecificOutput.additionalContext).toContain('the backup runs at 02:00');
    }
    expect(queries.slice(-2)).toEqual(['Why does the deploy with [REDACTED:github_token] and  fail?', 'Why does the nightly backup fail?']);
  });

  it('starts the background flush while the server recalls: what was spooled is delivered, the answer printed', async () => {
    const home = machine(recallUrl());
    const spool = join(home, '.claudetools', 'spool');
    mkdirSync(spool, { recursive: true });
    const entry = { v: 1, key: 'tool:b:waiting', kind: 'event', at: '2026-03-02T09:00:00.000Z', body: { type: 'command_run', at: '2026-03-02T09:00:00.000Z', session: 'b', data: { command: 'make' } } };
    writeFileSync(join(spool, '00001772442000000-1-ab.jsonl'), `${JSON.stringify(entry)}\n`);
    const r = await runAsync(home, 'user-prompt-submit', { session_id: 'p4', transcript_path: '/dev/null', cwd: home, hook_event_name: 'UserPromptSubmit', prompt: 'Why does the nightly backup fail?' });
    expect(JSON.parse(r.stdout).hookSpecificOutput.additionalContext).toContain('the backup runs at 02:00');
    for (let i = 0; i < 150 && !events.some((e) => e.key === 'tool:b:waiting'); i++) await new Promise((done) => setTimeout(done, 100));
    expect(events.map((e) => e.key)).toContain('tool:b:waiting');
    for (let i = 0; i < 50 && readdirSync(spool).some((f) => f.endsWith('.jsonl') || f.includes('.sending-')); i++) await new Promise((done) => setTimeout(done, 100));
    expect(readdirSync(spool).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('works when node refuses code from strings (--disallow-code-generation-from-strings): units compile as the CommonJS loader compiles', async () => {
    const down = machine('http://127.0.0.1:1');
    const r = postToolUse(down, ['--disallow-code-generation-from-strings']);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: '' });
    expect(spooled(down)).toContain('[REDACTED:github_token]');
    expect(existsSync(join(down, '.claudetools', 'logs', 'hook.log'))).toBe(false);
    const home = machine(recallUrl());
    const prompt = await runAsync(home, 'user-prompt-submit', { session_id: 'p3', transcript_path: '/dev/null', cwd: home, hook_event_name: 'UserPromptSubmit',
      prompt: 'Deploy with password=Hunter2hunter, why does it fail?' }, ['--disallow-code-generation-from-strings']);
    expect(prompt.status).toBe(0);
    expect(queries.at(-1)).toBe('Deploy with password=[REDACTED:password], why does it fail?');
  });
});
