import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { ADMIN_PASSWORD, createTestApp } from './support/app.js';
import { DIALECTS } from './support/databases.js';

it('never writes a password, token or key to the log', async () => {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const t = await createTestApp(DIALECTS[0], { logStream: stream });
  try {
    const login = await t.login(t.admin.email, ADMIN_PASSWORD);
    const key = (await t.app.inject({ method: 'POST', url: '/api/api-keys', headers: { authorization: `Bearer ${login.access_token}` }, payload: { name: 'k' } })).json().key;
    await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${key}` } });
    await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: login.refresh_token } });
    await t.app.inject({ method: 'POST', url: '/api/users', headers: { authorization: `Bearer ${login.access_token}` }, payload: { email: 'x@example.test', name: 'X', password: 'planted-secret-password' } });
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'x@example.test', password: 'wrong-planted-password' } });
    const log = lines.join('');
    expect(log).toContain('incoming request'); // the log is really being captured
    for (const secret of [ADMIN_PASSWORD, login.access_token, login.refresh_token, key, key.slice('ct_'.length + 13), 'planted-secret-password', 'wrong-planted-password']) {
      expect(log).not.toContain(secret);
    }
  } finally {
    await t.close();
  }
});

it('names the request in every line it logs, and builds no request logger for a request that logs nothing', async () => {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const { createLogger } = await import('../src/logger.js');
  for (const level of ['info', 'warn'] as const) {
    lines.length = 0;
    const logger = createLogger(level, stream as never);
    let children = 0;
    const child = logger.child.bind(logger);
    logger.child = ((...args: Parameters<typeof child>) => { children++; return child(...args); }) as typeof logger.child;
    const { buildApp } = await import('../src/app.js');
    const t = await createTestApp(DIALECTS[0]);
    const app = await buildApp({ database: { db: t.db, dialect: 'sqlite', close: async () => {} }, keys: t.keys, settings: { accessTokenTtl: 900, refreshTokenTtl: 86_400,
      bodyLimit: 1024 * 1024, trustProxy: false, auth: { maxFailures: 5, lockoutSeconds: 60, rateLimitPerMinute: 10_000 } }, logger });
    try {
      const before = children;
      await app.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': 'req-one' } });
      if (level === 'warn') expect(children).toBe(before); // nothing logged: no child made
      else {
        const mine = lines.map((l) => JSON.parse(l)).filter((l) => l.reqId === 'req-one');
        expect(mine.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
      }
    } finally {
      await app.close();
      await t.close();
    }
  }
});
