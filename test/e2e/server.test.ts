import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, childEnv, startServer, tempHome } from './helpers.js';
import { ensureServerBundle } from '../../src/cli/server-bundle.js';

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
    const r = spawnSync(process.execPath, [await ensureServerBundle()], {
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
