import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { buildApp, type AppDeps } from '../../src/app.js';
import type { Role } from '../../src/core/context.js';
import { systemContext } from '../../src/core/context.js';
import { createLogger } from '../../src/logger.js';
import { freshDatabase, type TestDialect } from './databases.js';
import { build } from './factories.js';

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export const ADMIN_PASSWORD = 'admin-password-for-tests';

/**
 * A real app on a fresh database of the given dialect, with an admin and helpers to make users
 * and log in. `settings` overrides the defaults (tests raise the login rate limit unless they test it).
 */
export async function createTestApp(dialect: TestDialect, opts: { settings?: Partial<AppDeps['settings']>; logStream?: Writable; clock?: AppDeps['clock'] } = {}) {
  const fresh = await freshDatabase(dialect);
  const keys = { jwt: randomBytes(32), audit: randomBytes(32), master: randomBytes(32) };
  const app = await buildApp({
    database: fresh.database,
    keys,
    settings: {
      accessTokenTtl: 900, refreshTokenTtl: 86_400, bodyLimit: 1024 * 1024, trustProxy: false,
      ...opts.settings,
      auth: { maxFailures: 5, lockoutSeconds: 60, rateLimitPerMinute: 10_000, ...opts.settings?.auth },
    },
    logger: opts.logStream ? createLogger('info', opts.logStream as never) : false,
    clock: opts.clock,
  });
  const { services } = app;
  const admin = await services.users.create(systemContext(), { ...build.user({ role: 'admin' }), password: ADMIN_PASSWORD });

  async function login(email: string, password: string) {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    return res.json() as { access_token: string; refresh_token: string; token_type: string; expires_in: number };
  }

  const adminTokens = await login(admin.email, ADMIN_PASSWORD);

  /** A user of the given role, logged in; returns its row, password and bearer header. */
  async function makeUser(role: Role = 'technician', extra: Record<string, unknown> = {}) {
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const user = await services.users.create(systemContext(), { ...build.user({ role, ...extra }), password });
    const tokens = await login(user.email, password);
    return { user, password, tokens, headers: { authorization: `Bearer ${tokens.access_token}` } };
  }

  return {
    app, services, keys, dialect, url: fresh.url, db: fresh.database.db,
    admin, adminHeaders: { authorization: `Bearer ${adminTokens.access_token}` }, adminTokens,
    login, makeUser,
    async close() {
      await app.close();
      await fresh.drop();
    },
  };
}
