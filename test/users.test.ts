import { expect, it } from 'vitest';
import { describeEachDialect } from './support/dialects.js';
import { build } from './support/factories.js';

describeEachDialect('users (admins only)', (t) => {
  const create = (body: Record<string, unknown>, headers = t().adminHeaders) =>
    t().app.inject({ method: 'POST', url: '/api/users', headers, payload: body });

  it('creates a user with a hashed password that is never returned', async () => {
    const body = { ...build.user({ email: 'Mixed.Case@Example.TEST', role: 'viewer' }), password: 'correct horse battery' };
    const res = await create(body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(String), email: 'mixed.case@example.test', name: body.name, role: 'viewer', is_active: true, client_scope: null,
      failed_logins: 0, locked_until: null, last_login_at: null, created_at: expect.any(String), updated_at: expect.any(String),
    });
    const row = await t().db.selectFrom('users').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(await t().db.selectFrom('audit_logs').select('changes').where('entity_id', '=', res.json().id).execute())).not.toContain('argon2');
    expect((await t().login('MIXED.case@example.test', 'correct horse battery')).access_token).toBeTruthy();
    const dup = await create({ ...build.user({ email: 'mixed.case@example.TEST' }), password: 'correct horse battery' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('already_exists');
  });

  it.each([
    ['too short', 'short pw'],
    ['common', 'password1234'],
    ['too long', 'x'.repeat(257)],
  ])('refuses a %s password', async (_n, password) => {
    const res = await create({ ...build.user(), password });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('password');
  });

  it('is admin only: technicians and viewers get 403', async () => {
    for (const role of ['technician', 'viewer'] as const) {
      const u = await t().makeUser(role);
      expect((await t().app.inject({ method: 'GET', url: '/api/users', headers: u.headers })).statusCode).toBe(403);
      expect((await create({ ...build.user(), password: 'a long enough password' }, u.headers)).statusCode).toBe(403);
      expect((await t().app.inject({ method: 'PATCH', url: `/api/users/${u.user.id}`, headers: u.headers, payload: { role: 'admin' } })).statusCode).toBe(403);
    }
  });

  it('validates client_scope and role', async () => {
    const res = await create({ ...build.user({ role: 'root', client_scope: ['not-a-uuid'] }), password: 'a long enough password' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['client_scope.0', 'role']);
  });

  it('never lets the last active admin go, nor an admin delete themself', async () => {
    const self = await t().app.inject({ method: 'DELETE', url: `/api/users/${t().admin.id}`, headers: t().adminHeaders });
    expect(self.statusCode).toBe(409);
    const demote = await t().app.inject({ method: 'PATCH', url: `/api/users/${t().admin.id}`, headers: t().adminHeaders, payload: { role: 'viewer' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe('last_admin');
    const disable = await t().app.inject({ method: 'PATCH', url: `/api/users/${t().admin.id}`, headers: t().adminHeaders, payload: { is_active: false } });
    expect(disable.json().code).toBe('last_admin');
    const other = await t().makeUser('admin');
    const demoteOther = await t().app.inject({ method: 'PATCH', url: `/api/users/${other.user.id}`, headers: t().adminHeaders, payload: { role: 'technician' } });
    expect(demoteOther.statusCode).toBe(200);
  });

  it('deletes a user and their keys and sessions', async () => {
    const u = await t().makeUser();
    const key = await t().app.inject({ method: 'POST', url: '/api/api-keys', headers: u.headers, payload: { name: 'k' } });
    const del = await t().app.inject({ method: 'DELETE', url: `/api/users/${u.user.id}`, headers: t().adminHeaders });
    expect(del.statusCode).toBe(204);
    expect((await t().app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${key.json().key}` } })).statusCode).toBe(401);
    expect(await t().db.selectFrom('api_keys').select('id').where('user_id', '=', u.user.id).execute()).toEqual([]);
  });
});
