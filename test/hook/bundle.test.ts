import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildHookBundle } from '../../src/cli/hook-bundle.js';

let hookFile: string;
beforeAll(async () => { hookFile = await buildHookBundle(join(mkdtempSync(join(tmpdir(), 'ct-bundle-')), 'hook.cjs')); });

/** A capturing hook with the server down: it must exit 0, print nothing and spool the memory. */
function postToolUse(home: string) {
  mkdirSync(join(home, '.claudetools'), { recursive: true });
  writeFileSync(join(home, '.claudetools', 'config.json'), JSON.stringify({ server_url: 'http://127.0.0.1:1', api_key: 'ct_x' }));
  const input = { session_id: 'b', transcript_path: '/dev/null', cwd: home, hook_event_name: 'PostToolUse', tool_name: 'Bash',
    tool_input: { command: 'npm test' }, tool_response: { stdout: 'ok', exitCode: 0 }, tool_use_id: 't1' };
  return spawnSync(process.execPath, [hookFile, 'post-tool-use'], { input: JSON.stringify(input), env: { PATH: process.env.PATH, HOME: home }, encoding: 'utf8', timeout: 20_000 });
}

describe('hook bundle', () => {
  it('is the plain esbuild bundle: no code-cache loader, and running it leaves nothing beside it', () => {
    const text = readFileSync(hookFile, 'utf8');
    expect(text).not.toMatch(/cachedData|createCachedData|node:vm/);
    for (let i = 0; i < 2; i++) {
      const home = mkdtempSync(join(tmpdir(), 'ct-bundle-home-'));
      const r = postToolUse(home);
      expect({ status: r.status, signal: r.signal, stdout: r.stdout }).toEqual({ status: 0, signal: null, stdout: '' });
      const spool = join(home, '.claudetools', 'spool');
      expect(existsSync(spool) ? readdirSync(spool).filter((f) => !f.startsWith('.')).length : 0).toBeGreaterThan(0);
    }
    expect(readdirSync(dirname(hookFile))).toEqual(['hook.cjs']);
  });
});
