import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../src/core/clock.js';
import { AUDIENCE, ISSUER } from '../src/modules/auth/tokens.js';
import { ADMIN_PASSWORD, createTestApp } from './support/app.js';
import { DIALECTS } from './support/databases.js';
import { describeEachDialect } from './support/dialects.js';
import { build } from './support/factories.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describeEachDialect('auth: login, refresh, logout', (t) => {
  it('logs in with email and password and returns a token pair', async () => {
    const res = await t().app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: t().admin.email.toUpperCase(), password: ADMIN_PASSWORD } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'bearer', expires_in: 900 });
    const me = await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(res.json().access_token) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: t().admin.id, email: t().admin.email, role: 'admin', auth: { method: 'jwt', api_key_id: null } });
    expect(me.json()).not.toHaveProperty('password_hash');
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const wrong = await t().app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: t().admin.email, password: 'not the password!' } });
    const unknown = await t().app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.test', password: 'not the password!' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_credentials');
    expect(unknown.json().code).toBe('invalid_credentials');
    expect(unknown.json().detail).toBe(wrong.json().detail);
  });

  it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
    const u = await t().makeUser();
    const first = await t().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: u.tokens.refresh_token } });
    expect(first.statusCode).toBe(200);
    const second = first.json();
    expect(second.refresh_token).not.toBe(u.tokens.refresh_token);

    const reuse = await t().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: u.tokens.refresh_token } });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().code).toBe('refresh_token_reused');
    // The thief's reuse also kills the legitimate newest token of that family.
    const after = await t().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: second.refresh_token } });
    expect(after.statusCode).toBe(401);
    const audit = await t().db.selectFrom('audit_logs').select('action').where('action', '=', 'refresh_reuse').execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('lets exactly one of two concurrent refreshes of the same token win', async () => {
    const u = await t().makeUser();
    const results = await Promise.all([0, 1].map(() =>
      t().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: u.tokens.refresh_token } })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('refuses an unknown refresh token', async () => {
    const res = await t().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: randomBytes(32).toString('base64url') } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('invalid_refresh_token');
  });

  it('logout with a refresh token ends that login; without, every session and access token', async () => {
    const u = await t().makeUser();
    const other = await t().login(u.user.email, u.password);
    const out = await t().app.inject({ method: 'POST', url: '/api/auth/logout', headers: u.headers, payload: { refresh_token: u.tokens.refresh_token } });
    expect(out.statusCode).toBe(204);
    expect((await t().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: u.tokens.refresh_token } })).statusCode).toBe(401);
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(other.access_token) })).statusCode).toBe(200);

    const all = await t().app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(other.access_token) });
    expect(all.statusCode).toBe(204);
    const me = await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(other.access_token) });
    expect(me.statusCode).toBe(401);
    expect(me.json().code).toBe('token_revoked');
    expect((await t().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: other.refresh_token } })).statusCode).toBe(401);
  });

  it('refuses a disabled user at once: access token and refresh token', async () => {
    const u = await t().makeUser();
    const off = await t().app.inject({ method: 'PATCH', url: `/api/users/${u.user.id}`, headers: t().adminHeaders, payload: { is_active: false } });
    expect(off.statusCode).toBe(200);
    const me = await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: u.headers });
    expect(me.statusCode).toBe(401);
    expect((await t().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: u.tokens.refresh_token } })).statusCode).toBe(401);
    const login = await t().app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.user.email, password: u.password } });
    expect(login.statusCode).toBe(401);
    expect(login.json().code).toBe('account_disabled');
  });

  it('ends every session when the password changes', async () => {
    const u = await t().makeUser();
    const res = await t().app.inject({ method: 'PATCH', url: `/api/users/${u.user.id}`, headers: t().adminHeaders, payload: { password: 'a brand new password' } });
    expect(res.statusCode).toBe(200);
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: u.headers })).statusCode).toBe(401);
    expect((await t().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: u.tokens.refresh_token } })).statusCode).toBe(401);
    await expect(t().login(u.user.email, u.password)).rejects.toThrow();
    expect((await t().login(u.user.email, 'a brand new password')).access_token).toBeTruthy();
  });

  it('changes your own password with the current one, ending other sessions', async () => {
    const u = await t().makeUser('viewer');
    const wrong = await t().app.inject({ method: 'POST', url: '/api/auth/password', headers: u.headers, payload: { current_password: 'not it at all', new_password: 'my new long password' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].path).toBe('current_password');
    const weak = await t().app.inject({ method: 'POST', url: '/api/auth/password', headers: u.headers, payload: { current_password: u.password, new_password: 'short' } });
    expect(weak.statusCode).toBe(400);
    const ok = await t().app.inject({ method: 'POST', url: '/api/auth/password', headers: u.headers, payload: { current_password: u.password, new_password: 'my new long password' } });
    expect(ok.statusCode).toBe(204);
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: u.headers })).statusCode).toBe(401);
    expect((await t().login(u.user.email, 'my new long password')).access_token).toBeTruthy();
    const me = await t().app.inject({ method: 'GET', url: `/api/users/${u.user.id}`, headers: t().adminHeaders });
    expect(me.json().role).toBe('viewer'); // the change did not touch anything else
  });

  it('never accepts a token in the URL or without the Bearer scheme', async () => {
    const token = t().adminTokens.access_token;
    expect((await t().app.inject({ method: 'GET', url: `/api/auth/me?access_token=${token}` })).statusCode).toBe(401);
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: token } })).statusCode).toBe(401);
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Basic ${token}` } })).statusCode).toBe(401);
  });
});

describeEachDialect('auth: forged and tampered access tokens', (t) => {
  const claims = () => ({ ver: 0 });
  const sign = (key: Uint8Array, opts: { alg?: string; typ?: string; iss?: string; aud?: string; exp?: number; nbf?: number; header?: Record<string, unknown> } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims())
      .setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: opts.typ ?? 'at+jwt', ...opts.header })
      .setSubject(t().admin.id).setIssuer(opts.iss ?? ISSUER).setAudience(opts.aud ?? AUDIENCE)
      .setIssuedAt(now).setNotBefore(opts.nbf ?? now).setExpirationTime(opts.exp ?? now + 600)
      .sign(key);
  };
  const me = (token: string) => t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });

  it('accepts a token it signed itself (the control case)', async () => {
    expect((await me(await sign(t().keys.jwt))).statusCode).toBe(200);
  });

  it.each([
    ['wrong audience', { aud: 'someone-else' }],
    ['wrong issuer', { iss: 'evil' }],
    ['wrong type', { typ: 'JWT' }],
    ['expired', { exp: Math.floor(Date.now() / 1000) - 10 }],
    ['not yet valid', { nbf: Math.floor(Date.now() / 1000) + 3600 }],
    ['HS512 instead of HS256', { alg: 'HS512' }],
  ])('refuses a token with %s', async (_name, opts) => {
    const res = await me(await sign(t().keys.jwt, opts));
    expect(res.statusCode).toBe(401);
    expect(['invalid_token', 'token_expired']).toContain(res.json().code);
  });

  it('refuses a token signed with another key', async () => {
    expect((await me(await sign(randomBytes(32)))).statusCode).toBe(401);
  });

  it('refuses alg:none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }));
    const payload = base64url.encode(JSON.stringify({ sub: t().admin.id, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600, ver: 0 }));
    for (const token of [`${header}.${payload}.`, `${header}.${payload}`]) expect((await me(token)).statusCode).toBe(401);
  });

  it('refuses algorithm confusion and a header that brings its own key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = await exportJWK(publicKey);
    const now = Math.floor(Date.now() / 1000);
    const rs = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', jwk })
      .setSubject(t().admin.id).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt(now).setExpirationTime(now + 600).sign(privateKey);
    expect((await me(rs)).statusCode).toBe(401);
    // Even correctly signed, an embedded jwk header is refused.
    const embedded = await sign(t().keys.jwt, { header: { jwk: { kty: 'oct', k: base64url.encode(t().keys.jwt) } } });
    expect((await me(embedded)).statusCode).toBe(401);
  });

  it('refuses garbage', async () => {
    for (const token of ['x', 'a.b.c', 'ct_short', `ct_${'a'.repeat(12)}_${'b'.repeat(43)}`]) {
      const res = await me(token);
      expect(res.statusCode, token).toBe(401);
    }
  });
});

describe.each(DIALECTS)('auth: lockout and rate limits [$name]', (dialect) => {
  it('locks the account after N failures even under concurrent attempts, for a growing period', async () => {
    const clock = manualClock(new Date());
    const t = await createTestApp(dialect, { clock, settings: { auth: { maxFailures: 5, lockoutSeconds: 60, rateLimitPerMinute: 10_000 } } });
    try {
      const u = await t.makeUser();
      const attempts = await Promise.all(Array.from({ length: 20 }, () =>
        t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.user.email, password: 'wrong password!!' } })));
      const codes = attempts.map((r) => r.statusCode);
      expect(codes.filter((c) => c === 401)).toHaveLength(5);
      expect(codes.filter((c) => c === 429)).toHaveLength(15);
      const locked = attempts.find((r) => r.statusCode === 429)!;
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(locked.json().code).toBe('rate_limited');
      // Only five password checks ran: five failures were recorded.
      const failures = await t.db.selectFrom('audit_logs').select('id').where('action', '=', 'login_failed').where('entity_id', '=', u.user.id).execute();
      expect(failures).toHaveLength(5);

      // The right password does not get through a lock.
      const right = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.user.email, password: u.password } });
      expect(right.statusCode).toBe(429);

      clock.advance(61_000);
      for (let i = 0; i < 5; i++) {
        await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.user.email, password: 'wrong password!!' } });
      }
      const second = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.user.email, password: u.password } });
      expect(second.statusCode).toBe(429);
      expect(Number(second.headers['retry-after'])).toBeGreaterThan(60); // the second lock lasts longer
      clock.advance(121_000);
      const ok = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.user.email, password: u.password } });
      expect(ok.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('limits login and refresh requests per IP with 429 and Retry-After', async () => {
    const t = await createTestApp(dialect, { settings: { auth: { maxFailures: 100, lockoutSeconds: 60, rateLimitPerMinute: 3 } } });
    try {
      const codes: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.test', password: 'whatever whatever' } });
        codes.push(last.statusCode);
      }
      // The harness's admin login already used one of the three.
      expect(codes).toEqual([401, 401, 429, 429]);
      expect(last!.headers['retry-after']).toBeTruthy();
      expect(last!.json().code).toBe('rate_limited');
      const refreshCodes: number[] = [];
      for (let i = 0; i < 4; i++) {
        refreshCodes.push((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: 'nope' } })).statusCode);
      }
      expect(refreshCodes).toEqual([401, 401, 401, 429]);
    } finally {
      await t.close();
    }
  });
});

describeEachDialect('API keys', (t) => {
  const createKey = async (headers: Record<string, string>, body: Record<string, unknown> = {}) => {
    const res = await t().app.inject({ method: 'POST', url: '/api/api-keys', headers, payload: { name: 'laptop hooks', ...body } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  it('shows the key once, stores only a hash, and authenticates as its user', async () => {
    const u = await t().makeUser();
    const created = await createKey(u.headers);
    expect(created.key).toMatch(/^ct_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'laptop hooks', user_id: u.user.id, prefix: created.key.split('_')[1], revoked_at: null });
    expect(created).not.toHaveProperty('key_hash');

    const stored = await t().db.selectFrom('api_keys').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(created.key.split('_').slice(2).join('_'));

    const listed = await t().app.inject({ method: 'GET', url: '/api/api-keys', headers: u.headers });
    expect(listed.json().items).toHaveLength(1);
    expect(listed.body).not.toContain(created.key);
    expect(listed.json().items[0]).not.toHaveProperty('key');

    const me = await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(created.key) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: u.user.id, auth: { method: 'api_key', api_key_id: created.id } });
    const used = await t().app.inject({ method: 'GET', url: `/api/api-keys/${created.id}`, headers: u.headers });
    expect(used.json().last_used_at).not.toBeNull();
  });

  it('refuses a revoked key, a key with a wrong secret, and a disabled user\'s key', async () => {
    const u = await t().makeUser();
    const a = await createKey(u.headers);
    const tampered = a.key.slice(0, -1) + (a.key.endsWith('A') ? 'B' : 'A');
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(tampered) })).json().code).toBe('invalid_api_key');

    const del = await t().app.inject({ method: 'DELETE', url: `/api/api-keys/${a.id}`, headers: u.headers });
    expect(del.statusCode).toBe(204);
    const revoked = await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(a.key) });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe('api_key_revoked');

    const b = await createKey(u.headers);
    await t().app.inject({ method: 'PATCH', url: `/api/users/${u.user.id}`, headers: t().adminHeaders, payload: { is_active: false } });
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(b.key) })).json().code).toBe('account_disabled');
  });

  it('a key in use stops working the moment it is revoked, and follows its user and machine at once', async () => {
    const m = await t().app.inject({ method: 'POST', url: '/api/machines', headers: t().adminHeaders, payload: build.machine() });
    const u = await t().makeUser('technician');
    const key = await createKey(t().adminHeaders, { user_id: u.user.id, machine_id: m.json().id });
    const me = () => t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(key.key) });
    expect((await me()).json()).toMatchObject({ role: 'technician', auth: { machine_id: m.json().id } });

    const addClient = () => t().app.inject({ method: 'POST', url: '/api/clients', headers: bearer(key.key), payload: { name: `Client ${Math.random()}`, short_code: `K${Date.now()}${Math.floor(Math.random() * 1e6)}` } });
    expect((await addClient()).statusCode).toBe(201);
    await t().app.inject({ method: 'PATCH', url: `/api/users/${u.user.id}`, headers: t().adminHeaders, payload: { role: 'viewer' } });
    expect((await addClient()).statusCode).toBe(403);
    await t().app.inject({ method: 'DELETE', url: `/api/machines/${m.json().id}`, headers: t().adminHeaders });
    expect((await me()).json().auth.machine_id).toBeNull();

    const del = await t().app.inject({ method: 'DELETE', url: `/api/api-keys/${key.id}`, headers: t().adminHeaders });
    expect(del.statusCode).toBe(204);
    const revoked = await me();
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe('api_key_revoked');
  });

  it('a remembered key still checks its secret on every request', async () => {
    const u = await t().makeUser();
    const key = await createKey(u.headers);
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(key.key) })).statusCode).toBe(200);
    const tampered = key.key.slice(0, -1) + (key.key.endsWith('A') ? 'B' : 'A');
    const res = await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(tampered) });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('invalid_api_key');
  });

  it('refuses an expired key and an expiry in the past', async () => {
    const u = await t().makeUser();
    const past = await t().app.inject({ method: 'POST', url: '/api/api-keys', headers: u.headers, payload: { name: 'old', expires_at: '2000-01-01T00:00:00Z' } });
    expect(past.statusCode).toBe(400);
    const soon = await createKey(u.headers, { expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(soon.key) })).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const res = await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(soon.key) });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('api_key_expired');
  });

  it('a read-only key reads but cannot write, nor mint itself a write key', async () => {
    const u = await t().makeUser();
    const ro = await createKey(u.headers, { scopes: ['read'] });
    expect((await t().app.inject({ method: 'GET', url: '/api/machines', headers: bearer(ro.key) })).statusCode).toBe(200);
    const write = await t().app.inject({ method: 'POST', url: '/api/machines', headers: bearer(ro.key), payload: build.machine() });
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('insufficient_scope');
    const mint = await t().app.inject({ method: 'POST', url: '/api/api-keys', headers: bearer(ro.key), payload: { name: 'escalate', scopes: ['write'] } });
    expect(mint.statusCode).toBe(403);
  });

  it('keeps each user\'s keys private; admins see all', async () => {
    const a = await t().makeUser();
    const b = await t().makeUser();
    const key = await createKey(a.headers);
    expect((await t().app.inject({ method: 'GET', url: `/api/api-keys/${key.id}`, headers: b.headers })).statusCode).toBe(404);
    expect((await t().app.inject({ method: 'DELETE', url: `/api/api-keys/${key.id}`, headers: b.headers })).statusCode).toBe(404);
    expect((await t().app.inject({ method: 'GET', url: '/api/api-keys', headers: b.headers })).json().items).toEqual([]);
    const all = await t().app.inject({ method: 'GET', url: `/api/api-keys?user_id=${a.user.id}`, headers: t().adminHeaders });
    expect(all.json().items.map((k: { id: string }) => k.id)).toEqual([key.id]);
    const forOther = await t().app.inject({ method: 'POST', url: '/api/api-keys', headers: b.headers, payload: { name: 'x', user_id: a.user.id } });
    expect(forOther.statusCode).toBe(403);
  });

  it('ties a key to a machine, and refuses an unknown machine with 422', async () => {
    const m = await t().app.inject({ method: 'POST', url: '/api/machines', headers: t().adminHeaders, payload: build.machine() });
    const key = await createKey(t().adminHeaders, { machine_id: m.json().id });
    const me = await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(key.key) });
    expect(me.json().auth.machine_id).toBe(m.json().id);
    const bad = await t().app.inject({ method: 'POST', url: '/api/api-keys', headers: t().adminHeaders, payload: { name: 'x', machine_id: '01890000-0000-7000-8000-000000000000' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].path).toBe('machine_id');
  });
});
