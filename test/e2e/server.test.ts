import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, childEnv, freePort, startServer, tempHome } from './helpers.js';
import { SERVER_NODE_FLAGS, serverNodeArgs } from '../../src/cli/server-bundle.js';

const login = (url: string, email: string, password: string) =>
  fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

describe('the server process (npm start)', () => {
  it('creates the database and a first admin with a generated password, shown once and kept in a 0600 file', async () => {
    const home = tempHome();
    const server = await startServer({ CLAUDETOOLS_HOME: home });
    try {
      const health = await (await fetch(`${server.url}/api/health`)).json();
      expect(health).toMatchObject({ status: 'ok', database: { dialect: 'sqlite' } });
      expect(existsSync(join(home, 'claudetools.db'))).toBe(true);
      const file = join(home, 'initial-admin.txt');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(home, 'keys', 'jwt.key')).mode & 0o777).toBe(0o600);
      const [, email] = /email: (\S+)/.exec(readFileSync(file, 'utf8'))!;
      const [, password] = /password: (\S+)/.exec(readFileSync(file, 'utf8'))!;
      expect(server.output().stdout).toContain(password);
      const res = await login(server.url, email, password);
      expect(res.status).toBe(200);
      const { access_token } = await res.json();
      const me = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${access_token}` } });
      expect((await me.json()).role).toBe('admin');
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // A second start finds the admin and prints no password.
    const again = await startServer({ CLAUDETOOLS_HOME: home });
    try {
      expect(again.output().stdout).not.toContain('password');
    } finally {
      await again.stop();
    }
  });

  it('takes the first admin from CLAUDETOOLS_ADMIN_EMAIL and _PASSWORD', async () => {
    const home = tempHome();
    const server = await startServer({ CLAUDETOOLS_HOME: home, CLAUDETOOLS_ADMIN_EMAIL: 'Boss@Example.test', CLAUDETOOLS_ADMIN_PASSWORD: 'a strong admin password' });
    try {
      expect(existsSync(join(home, 'initial-admin.txt'))).toBe(false);
      expect((await login(server.url, 'boss@example.test', 'a strong admin password')).status).toBe(200);
      expect(server.output().stdout + server.output().stderr).not.toContain('a strong admin password');
    } finally {
      await server.stop();
    }
  });

  it('exits non-zero naming every invalid setting', async () => {
    const r = spawnSync(process.execPath, await serverNodeArgs(), {
      cwd: ROOT, encoding: 'utf8', timeout: 30_000,
      env: childEnv({ CLAUDETOOLS_HOME: tempHome(), PORT: '70000', DATABASE_URL: 'ftp://nope', LOG_LEVEL: 'chatty' }),
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).toContain('DATABASE_URL');
    expect(r.stderr).toContain('LOG_LEVEL');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // one clear message, not a stack trace
  });
});

describe("the server's V8 flags (SERVER_NODE_FLAGS)", () => {
  it('are what npm start runs the bundle with', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe(['node', ...SERVER_NODE_FLAGS, 'dist/server.mjs'].join(' '));
  });

  it('are accepted by node and keep the young generation within its cap', () => {
    // A misspelt flag makes node refuse to start; a working cap keeps new space at 2 semi-spaces of 4 MB however much is allocated.
    const script = `let keep = []; for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 1000) keep = []; }
      const space = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      console.log(space.space_size);`;
    const run = (flags: readonly string[]) => spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8', timeout: 30_000 });
    const capped = run(SERVER_NODE_FLAGS);
    expect(capped.status, capped.stderr).toBe(0);
    const cap = Number(/--max-semi-space-size=(\d+)/.exec(SERVER_NODE_FLAGS.join(' '))![1]) * 2 * 1024 * 1024;
    expect(Number(capped.stdout)).toBeLessThanOrEqual(cap);
    expect(Number(run([]).stdout)).toBeGreaterThan(cap); // V8's own default grows past it: the test measures something
  });

  it.runIf(process.platform === 'linux')('reach the server that claudetools serve starts, which stops with it', async () => {
    const port = await freePort();
    const parent = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env: childEnv({ CLAUDETOOLS_HOME: tempHome(), PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    parent.stdout!.on('data', (d) => { output += d; });
    parent.stderr!.on('data', (d) => { output += d; });
    const exited = new Promise<number | null>((r) => parent.once('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 300; i++) {
        if (parent.exitCode !== null) throw new Error(`claudetools serve exited ${parent.exitCode}: ${output}`);
        if (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(output).toContain('Created the first admin'); // the server's own output comes through
      const children = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'utf8').trim().split(/\s+/);
      expect(children).toHaveLength(1);
      const cmdline = readFileSync(`/proc/${children[0]}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect(cmdline.slice(1)).toEqual(await serverNodeArgs());
    } finally {
      parent.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
  });

  it.runIf(process.platform === 'linux')('stop the server claudetools serve started when serve itself is killed outright', async () => {
    const port = await freePort();
    const parent = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env: childEnv({ CLAUDETOOLS_HOME: tempHome(), PORT: String(port) }), stdio: 'ignore' });
    let server = 0;
    try {
      for (let i = 0; i < 300 && !(await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)); i++) {
        if (parent.exitCode !== null) throw new Error(`claudetools serve exited ${parent.exitCode}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      server = Number(readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'utf8').trim());
      expect(server).toBeGreaterThan(0);
    } finally {
      parent.kill('SIGKILL'); // no signal to pass on: only the closed channel tells the server
    }
    const gone = () => { try { process.kill(server, 0); return false; } catch { return true; } };
    for (let i = 0; i < 100 && !gone(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(gone()).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
  });
});
