import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHookBundle } from '../../src/cli/hook-bundle.js';
import { cli, startServer } from '../e2e/helpers.js';

export { cli, startServer };

export const ADMIN = { email: 'ops@example.test', password: 'an admin password here' };

/** The real bundled hook, built once per test file into its own folder (parallel files never share a build). */
export async function buildHook(): Promise<string> {
  return buildHookBundle(join(mkdtempSync(join(tmpdir(), 'ct-hookbuild-')), 'hook.cjs'));
}

export const startTestServer = () => startServer({ CLAUDETOOLS_HOME: mkdtempSync(join(tmpdir(), 'ct-srv-')), CLAUDETOOLS_ADMIN_EMAIL: ADMIN.email, CLAUDETOOLS_ADMIN_PASSWORD: ADMIN.password });

/** One simulated computer: its own HOME, so ~/.claudetools and ~/.claude are its own. */
export function newMachine() {
  const home = mkdtempSync(join(tmpdir(), 'ct-home-'));
  const env = { HOME: home };
  const ctHome = join(home, '.claudetools');
  return {
    home, env, ctHome,
    /** Where the test itself reads the server (the hooks may be pointed elsewhere, at a broken proxy). */
    apiUrl: undefined as string | undefined,
    claudeDir: join(home, '.claude'),
    config: () => JSON.parse(readFileSync(join(ctHome, 'config.json'), 'utf8')),
    cli: (args: string[], input?: string) => cli(args, env, input),
    /** A project folder on this machine (the hooks detect the project from its name = the project slug). */
    project(slug: string) {
      const dir = join(home, 'src', slug);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
  };
}
export type Machine = ReturnType<typeof newMachine>;

/** `claudetools setup` on the machine with the admin's password, as a user would. */
export function setup(m: Machine, serverUrl: string, hostname?: string) {
  const r = m.cli(['setup', '--server', serverUrl, '--email', ADMIN.email, '--password-stdin', ...(hostname ? ['--hostname', hostname] : [])], `${ADMIN.password}\n`);
  if (r.code !== 0) throw new Error(`setup failed: ${r.stderr}`);
  return r;
}

/** Runs the installed hook file exactly as Claude Code does: `node hook.cjs <event>`, the event JSON on stdin. */
export function runHook(m: Machine, event: string, input: Record<string, unknown>, hookFile = m.config().hook_file as string) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [hookFile, event], { env: { PATH: process.env.PATH, ...m.env }, input: JSON.stringify(input), encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** The same, without waiting: for hooks that run at the same moment. */
export function runHookAsync(m: Machine, event: string, input: Record<string, unknown>): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [m.config().hook_file, event], { env: { PATH: process.env.PATH, ...m.env }, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('exit', (code) => resolve(code));
    child.stdin.end(JSON.stringify(input));
  });
}

/** The server's data over HTTP as the machine's key sees it. */
export async function api<T = any>(m: Machine, method: string, path: string, body?: unknown): Promise<T> {
  const { server_url, api_key } = m.config();
  const res = await fetch(`${m.apiUrl ?? server_url}${path}`, { method, headers: { authorization: `Bearer ${api_key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : (undefined as T);
}

/** Waits until `check` passes (background flushers deliver on their own time). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export const sessionId = () => crypto.randomUUID();
