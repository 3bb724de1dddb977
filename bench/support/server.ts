/** Starts the real server process for a benchmark and hands back an API key: benches measure what users run. */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { resolve } from 'node:path';
import { ensureServerBundle, SERVER_NODE_FLAGS } from '../../src/cli/server-bundle.js';

export const ROOT = resolve(import.meta.dirname, '../..');
const ADMIN = { email: 'bench@example.test', password: 'bench password 123' };

export interface BenchServer { child: ChildProcess; base: string; key: string; stop(): Promise<void> }

export async function startServer(databaseUrl: string, home: string): Promise<BenchServer> {
  const port = 18000 + Math.floor(Math.random() * 1000);
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof") profiles the server under the bench's load; a V8 flag given
  // there overrides the server's own (SERVER_NODE_FLAGS), since V8 takes the last of a flag given twice.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, await ensureServerBundle()], {
    cwd: ROOT, stdio: ['ignore', process.env.BENCH_SERVER_STDOUT ? 'inherit' : 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, HOME: home, CLAUDETOOLS_HOME: home, DATABASE_URL: databaseUrl, PORT: String(port), LOG_LEVEL: 'warn',
      CLAUDETOOLS_ADMIN_EMAIL: ADMIN.email, CLAUDETOOLS_ADMIN_PASSWORD: ADMIN.password, CLAUDETOOLS_AUTH_RATE_LIMIT: '100000' },
  });
  const base = `http://127.0.0.1:${port}`;
  /** Stops the server; resolves once it has exited (and closed its database). */
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { child, base, key: await apiKey(base), stop };
    } catch { /* still starting */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error('server did not start');
}

async function apiKey(base: string): Promise<string> {
  const post = (path: string, body: unknown, token?: string) => fetch(`${base}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
  }).then((r) => r.json() as Promise<any>);
  const login = await post('/api/auth/login', ADMIN);
  return (await post('/api/api-keys', { name: 'bench' }, login.access_token)).key;
}

/**
 * A JSON API call with the bench's key; throws with the problem body on a non-2xx answer. Plain node:http
 * over kept-alive connections: undici's fetch costs the bench process ~1 ms of CPU a call, which on a
 * 2-core machine shows up in every latency measured (recall p50 ~0.7 ms higher with fetch).
 */
export function client(server: BenchServer) {
  const agent = new http.Agent({ keepAlive: true });
  const { hostname, port } = new URL(server.base);
  return function call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { authorization: `Bearer ${server.key}` };
    if (data !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
    return new Promise<T>((resolve, reject) => {
      const req = http.request({ agent, host: hostname, port, path, method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { text += chunk; });
        res.on('end', () => {
          if (res.statusCode! >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 500)}`));
          else resolve((text ? JSON.parse(text) : null) as T);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(data);
    });
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
