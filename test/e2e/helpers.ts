import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serverNodeArgs } from '../../src/cli/server-bundle.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/claudetools.js');

export const tempHome = () => mkdtempSync(join(tmpdir(), 'ct-e2e-'));

/** Environment for a child: only what we set, so the developer's own settings never leak in. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...extra };
}

/** Runs the real CLI and returns its exit code and output. */
export function cli(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: childEnv(env), encoding: 'utf8', input, cwd: ROOT, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** Starts the server the way `npm start` does (the bundle, with the server's V8 flags) and waits until /api/health answers. */
export async function startServer(env: Record<string, string>) {
  const port = await freePort();
  let stdout = '', stderr = '';
  const child: ChildProcess = spawn(process.execPath, await serverNodeArgs(), { cwd: ROOT, env: childEnv({ ...env, PORT: String(port) }) });
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, child,
    output: () => ({ stdout, stderr }),
    async stop(): Promise<number | null> {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}
