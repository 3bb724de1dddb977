import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHook } from './support.js';

/** The bundle's loader keeps V8's compiled code beside it; whatever happens to that cache, the hook answers the same. */
describe('hook code cache', () => {
  let hookFile: string;
  let server: Server;
  let home: string;
  const answer = { items: [{ id: 'm1' }], text: 'Decided 2026-03-02: deploy with blue-green.' };

  beforeAll(async () => {
    hookFile = await buildHook();
    server = createServer((req, res) => { req.resume(); req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(answer)); }); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    home = mkdtempSync(join(tmpdir(), 'ct-home-'));
    const port = (server.address() as { port: number }).port;
    const ctHome = join(home, '.claudetools');
    mkdirSync(ctHome, { recursive: true });
    writeFileSync(join(ctHome, 'config.json'), JSON.stringify({ server_url: `http://127.0.0.1:${port}`, api_key: 'ct_test' }));
  });
  afterAll(() => server.close());

  const caches = () => readdirSync(dirname(hookFile)).filter((f) => f.endsWith('.cache'));
  let run = 0;
  /** Not spawnSync: the server answering the hook lives in this process. */
  const prompt = () => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const input = { session_id: `cache-${run++}`, transcript_path: '/dev/null', cwd: home, hook_event_name: 'UserPromptSubmit', prompt: 'How do we deploy the billing service?' };
    const child = spawn(process.execPath, [hookFile, 'user-prompt-submit'], { env: { PATH: process.env.PATH, HOME: home } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(JSON.stringify(input));
  });
  const injected = { code: 0, stderr: '', stdout: `${JSON.stringify({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: answer.text } })}\n` };

  it('is written by the first hook, for this bundle and this node, and used by the next', async () => {
    expect(caches()).toEqual([]);
    expect(await prompt()).toEqual(injected);
    const [cache] = caches();
    expect(cache).toMatch(new RegExp(`^hook\\.cjs\\.[0-9a-f]{16}\\.${process.version.replace(/\./g, '\\.')}-${process.arch}\\.cache$`));
    const bytes = readFileSync(join(dirname(hookFile), cache!));
    expect(await prompt()).toEqual(injected);
    expect(readFileSync(join(dirname(hookFile), cache!))).toEqual(bytes);
  });

  it('a damaged cache is only a compile more: the hook answers the same and writes a good one; other bundles\' caches go', async () => {
    const [cache] = caches();
    writeFileSync(join(dirname(hookFile), cache!), 'not a code cache at all');
    writeFileSync(join(dirname(hookFile), 'hook.cjs.0123456789abcdef.v20.0.0-x64.cache'), 'from an older setup');
    expect(await prompt()).toEqual(injected);
    expect(caches()).toEqual([cache]);
    expect(readFileSync(join(dirname(hookFile), cache!), 'utf8')).not.toBe('not a code cache at all');
    expect(await prompt()).toEqual(injected);
  });
});
