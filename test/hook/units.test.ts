import { describe, expect, it } from 'vitest';
import { batchTurns, INGEST_BODY_BYTES, ingestKey, MAX_TURN_CHARS, redactTurns } from '../../src/hook/capture.js';
import { isTrivialPrompt } from '../../src/hook/handlers/user-prompt-submit.js';
import { isoNow } from '../../src/hook/env.js';
import { eventName } from '../../src/hook/input.js';
import { boundOutput, toolEvent } from '../../src/hook/tool-events.js';
import { normalizeRemote } from '../../src/modules/hooks/scope.js';

const AT = '2026-03-02T09:00:00.000Z';
const bash = (extra: object) => toolEvent({ session_id: 's1', hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_use_id: 't1', cwd: '/w', tool_input: { command: 'make test' }, ...extra }, AT);

describe('hook pieces', () => {
  it('turns Bash results into command runs: success, a non-zero code, an interrupt, a PostToolUseFailure', () => {
    expect(bash({ tool_response: { stdout: 'ok', stderr: '', interrupted: false } })).toEqual({ v: 1, key: 'tool:s1:t1', kind: 'event', at: AT,
      body: { type: 'command_run', at: AT, session: 's1', data: { command: 'make test', cwd: '/w', success: true, exit_code: 0, output_summary: 'ok' } } });
    expect(bash({ tool_response: { stdout: '', stderr: 'boom', exitCode: 3 } })!.body.data).toMatchObject({ success: false, exit_code: 3, output_summary: 'boom' });
    expect(bash({ tool_response: { stdout: 'half', interrupted: true } })!.body.data).toMatchObject({ success: false, exit_code: 1 });
    expect(bash({ hook_event_name: 'PostToolUseFailure', error: 'Exit code 127\nmake: not found' })!.body.data).toMatchObject({ success: false, exit_code: 127, output_summary: 'Exit code 127\nmake: not found' });
    expect(toolEvent({ session_id: 's1', tool_name: 'Read', tool_input: { file_path: '/a' } }, AT)).toBeNull();
    expect(toolEvent({ session_id: 's1', tool_name: 'Bash', tool_input: { command: '  ' } }, AT)).toBeNull();
  });

  it('bounds command output to its head and tail, redacted', () => {
    const out = boundOutput(`start ${'x'.repeat(10_000)} AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY1 end`);
    expect(out.length).toBeLessThanOrEqual(4000);
    expect(out.startsWith('start')).toBe(true);
    expect(out).toContain('characters left out');
    expect(out).not.toContain('wJalrXUtnFEMI');
    expect(out.endsWith('end')).toBe(true);
  });

  it('skips prompts with nothing to look up', () => {
    for (const p of ['ok', 'yes', 'Thanks!', 'go ahead', '/clear', '...', 'lgtm']) expect(isTrivialPrompt(p), p).toBe(true);
    for (const p of ['Why does the backup fail?', 'fix the login bug in auth.ts']) expect(isTrivialPrompt(p), p).toBe(false);
  });

  it('tells acknowledgements as the one case-insensitive regex it replaces did', () => {
    const before = /^(?:y|yes|yep|yeah|n|no|nope|ok|okay|k|sure|thanks|thank you|thx|ty|continue|go on|go ahead|proceed|next|done|lgtm|do it|great|nice|cool|perfect|right|correct|agreed|please do|sounds good)[\s.!?,]*$/i;
    const words = ['yes', 'thank you', 'sounds good', 'LGTM', 'Go Ahead', 'please do', 'okay', 'proceed', 'thanks a lot', 'go  on', 'do it now', 'goon'];
    const tails = ['', '!', ' !!', '...', ' \n\t', '?!,.', '\u00a0', ' x', ';'];
    for (const w of words) {
      for (const t of tails) {
        for (const p of [w + t, `  ${w}${t}  `, `\u212a${w}${t}`, w.replace('k', '\u212a') + t]) expect(isTrivialPrompt(p), JSON.stringify(p)).toBe(p.trim().length < 8 || before.test(p.trim()) || !/[A-Za-z0-9]{3}/.test(p));
      }
    }
  });

  it('writes the time as toISOString does, without loading the time zone', () => {
    for (const t of [0, Date.UTC(2026, 2, 1, 9, 5, 7, 12), Date.UTC(999, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.now()]) {
      expect(isoNow(new Date(t))).toBe(new Date(t).toISOString());
    }
  });

  it('keys a batch of turns by its content, redacts before anything else and splits big sessions', () => {
    const turns = [{ ref: 's:1', role: 'user' as const, text: 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789 <private>x</private> ok' }, { ref: 's:2', role: 'assistant' as const, text: '<private>all of it</private>' }];
    expect(redactTurns(turns)).toEqual([{ ref: 's:1', role: 'user', text: 'token [REDACTED:github_token]  ok' }]);
    expect(ingestKey('s', turns)).toBe(ingestKey('s', turns.map((t) => ({ ...t }))));
    expect(ingestKey('s', turns)).not.toBe(ingestKey('s', turns.slice(0, 1)));
    expect(ingestKey('s', turns)).toMatch(/^tr:[0-9a-f]{32}$/);
    // Sized in bytes of JSON (3-byte characters, escapes), not characters; a turn over the server's 200,000 is cut first.
    const many = Array.from({ length: 450 }, (_, i) => ({ ref: `s:${i}`, role: 'user' as const, text: (i % 100 === 5 ? '€' : 'y').repeat(i % 100 === 5 ? 150_000 : 10) }));
    const batches = batchTurns(many);
    expect(batches.flat()).toEqual(many);
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(200);
      expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThanOrEqual(INGEST_BODY_BYTES);
    }
    expect(batches.map((b) => b.length)).toEqual([105, 100, 100, 100, 45]);
    const huge = redactTurns([{ ref: 's:h', role: 'user', text: `start ${'z'.repeat(300_000)} end` }]);
    expect(huge[0]!.text.length).toBeLessThanOrEqual(MAX_TURN_CHARS);
    expect(huge[0]!.text).toMatch(/^start z+\n\[… \d+ characters left out …\]\nz+ end$/);
  });

  it('reads event names from argv in either spelling and matches git remotes in either form', () => {
    expect(['user-prompt-submit', 'post-tool-use-failure', 'SessionStart'].map(eventName)).toEqual(['UserPromptSubmit', 'PostToolUseFailure', 'SessionStart']);
    const want = 'github.com/acme/portal';
    for (const url of ['git@github.com:acme/portal.git', 'https://github.com/acme/portal', 'ssh://git@github.com/acme/portal.git/', 'https://user@GitHub.com/Acme/Portal.git']) expect(normalizeRemote(url), url).toBe(want);
    expect(normalizeRemote('ssh://git@gitlab.local:2222/acme/portal.git')).toBe('gitlab.local:2222/acme/portal');
  });
});

describe('hook runtime boundary', () => {
  it('bundles from our own pure sources only, into one file that needs nothing but Node built-ins', async () => {
    const { build } = await import('esbuild');
    const { join } = await import('node:path');
    const root = join(import.meta.dirname, '../..');
    const out = await build({ entryPoints: [join(root, 'src/hook/main.ts')], bundle: true, platform: 'node', format: 'cjs', write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((i) => i.includes('node_modules'))).toEqual([]);
    expect(inputs.filter((i) => !/^src\/(hook\/|memory\/redact\.ts$|cli\/client-config\.ts$)/.test(i))).toEqual([]);
    const code = out.outputFiles[0]!.text;
    expect([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).filter((r) => !r!.startsWith('node:'))).toEqual([]);
  });
});
