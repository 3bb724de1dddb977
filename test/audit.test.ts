import { expect, it } from 'vitest';
import { describeEachDialect } from './support/dialects.js';
import { build } from './support/factories.js';

describeEachDialect('audit chain', (t) => {
  const verify = async () => {
    const res = await t().app.inject({ method: 'GET', url: '/api/audit/verify', headers: t().adminHeaders });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const rows = () => t().db.selectFrom('audit_logs').selectAll().orderBy('seq').execute();

  it('records every mutation with actor, action, entity, id, masked diff, ip and request id', async () => {
    const created = await t().app.inject({ method: 'POST', url: '/api/users', headers: { ...t().adminHeaders, 'x-request-id': 'req-audit-1' }, payload: { ...build.user(), password: 'first password here' } });
    const id = created.json().id;
    await t().app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: t().adminHeaders, payload: { name: 'Renamed', password: 'second password here' } });
    const list = await t().app.inject({ method: 'GET', url: `/api/audit-logs?entity=users&entity_id=${id}`, headers: t().adminHeaders });
    expect(list.statusCode).toBe(200);
    const [update, create] = list.json().items;
    expect(create).toMatchObject({ action: 'create', entity: 'users', entity_id: id, actor_type: 'user', user_id: t().admin.id, request_id: 'req-audit-1', ip_address: '127.0.0.1' });
    expect(update.action).toBe('update');
    expect(update.changes.name).toEqual({ from: created.json().name, to: 'Renamed' });
    expect(update.changes.password_hash).toBe('***');
    expect(list.body).not.toContain('second password here');
    expect(list.body).not.toContain('argon2');
  });

  it('verifies an intact chain', async () => {
    await t().app.inject({ method: 'POST', url: '/api/machines', headers: t().adminHeaders, payload: build.machine() });
    const result = await verify();
    expect(result.ok).toBe(true);
    expect(result.first_problem).toBeNull();
    expect(result.checked).toBe((await rows()).length);
  });

  it('is admin only', async () => {
    const u = await t().makeUser('technician');
    expect((await t().app.inject({ method: 'GET', url: '/api/audit/verify', headers: u.headers })).statusCode).toBe(403);
    expect((await t().app.inject({ method: 'GET', url: '/api/audit-logs', headers: u.headers })).statusCode).toBe(403);
  });

  it('names an altered row, then a removed row, then an inserted row', async () => {
    for (let i = 0; i < 3; i++) await t().app.inject({ method: 'POST', url: '/api/machines', headers: t().adminHeaders, payload: build.machine() });
    const all = await rows();
    const victim = all[all.length - 3];

    // Altered: someone rewrites what a row says.
    await t().db.updateTable('audit_logs').set({ action: 'read' }).where('id', '=', victim.id).execute();
    let result = await verify();
    expect(result.ok).toBe(false);
    expect(result.first_problem).toMatchObject({ seq: Number(victim.seq), id: victim.id, problem: 'altered' });
    await t().db.updateTable('audit_logs').set({ action: victim.action }).where('id', '=', victim.id).execute();
    expect((await verify()).ok).toBe(true);

    // Removed: a row disappears from the middle.
    await t().db.deleteFrom('audit_logs').where('id', '=', victim.id).execute();
    result = await verify();
    expect(result.first_problem).toMatchObject({ seq: Number(victim.seq) + 1, problem: 'removed' });
    await t().db.insertInto('audit_logs').values(victim).execute();
    expect((await verify()).ok).toBe(true);

    // Inserted: a forged row replaces a real one, without the key.
    await t().db.deleteFrom('audit_logs').where('id', '=', victim.id).execute();
    await t().db.insertInto('audit_logs').values({ ...victim, id: '01890000-0000-7000-8000-00000000beef', hash: 'f'.repeat(64) }).execute();
    result = await verify();
    expect(result.first_problem).toMatchObject({ id: '01890000-0000-7000-8000-00000000beef', problem: 'altered' });
    await t().db.deleteFrom('audit_logs').where('id', '=', '01890000-0000-7000-8000-00000000beef').execute();
    await t().db.insertInto('audit_logs').values(victim).execute();

    // Truncated: the newest row is cut off.
    const last = all[all.length - 1];
    await t().db.deleteFrom('audit_logs').where('id', '=', last.id).execute();
    result = await verify();
    expect(result.first_problem).toMatchObject({ problem: 'truncated' });
    await t().db.insertInto('audit_logs').values(last).execute();
    expect((await verify()).ok).toBe(true);
  });

  it('keeps one chain under concurrent writes', async () => {
    await Promise.all(Array.from({ length: 15 }, () =>
      t().app.inject({ method: 'POST', url: '/api/machines', headers: t().adminHeaders, payload: build.machine() })));
    const seqs = (await rows()).map((r) => Number(r.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect((await verify()).ok).toBe(true);
  });
});
