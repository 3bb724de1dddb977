import { describe, expect, it } from 'vitest';
import { amountFor, csvCell } from '../src/modules/billable-time/rules.js';
import { describeEachDialect } from './support/dialects.js';
import { mspBuild, seedParents } from './support/msp.js';

describe('billing arithmetic', () => {
  it('rounds hours to two decimals, then the amount to cents', () => {
    expect(amountFor(50, 100, true)).toBe(83); // 0.8333 h -> 0.83 h
    expect(amountFor(90, 120, true)).toBe(180);
    expect(amountFor(7, 99.99, true)).toBe(12); // 0.1167 h -> 0.12 h x 99.99 = 11.9988 -> 12.00
  });
  it('escapes formula cells and quotes CSV specials', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
  });
});

describeEachDialect('billable time', (t) => {
  const post = (payload: object, headers = t().adminHeaders) => t().app.inject({ method: 'POST', url: '/api/billable-time', headers, payload });
  const at = (h: number, m = 0) => new Date(Date.UTC(2026, 4, 4, h, m)).toISOString();

  it('derives duration and amount, with the rate defaulting to the client\'s', async () => {
    const p = await seedParents(t(), { default_hourly_rate: 150 });
    const res = await post(mspBuild.time(p, { start_time: at(9), end_time: at(9, 50) }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ duration_minutes: 50, hourly_rate: 150, amount: 124.5, is_billable: true, user_id: t().admin.id });
    const own = await post(mspBuild.time(p, { start_time: at(10), end_time: at(11, 30), hourly_rate: 80 }));
    expect(own.json()).toMatchObject({ duration_minutes: 90, hourly_rate: 80, amount: 120 });
    const unbillable = await post(mspBuild.time(p, { start_time: at(12), end_time: at(13), is_billable: false }));
    expect(unbillable.json().amount).toBe(0);
    const changed = await t().app.inject({ method: 'PATCH', url: `/api/billable-time/${own.json().id}`, headers: t().adminHeaders, payload: { end_time: at(11) } });
    expect(changed.json()).toMatchObject({ duration_minutes: 60, amount: 80 });
  });

  it('refuses end before start, more than 24 h, and billable time without any rate', async () => {
    const p = await seedParents(t(), { default_hourly_rate: null });
    const backwards = await post(mspBuild.time(p, { start_time: at(10), end_time: at(9), hourly_rate: 50 }));
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors[0].path).toBe('end_time');
    const long = await post(mspBuild.time(p, { start_time: at(0), end_time: new Date(Date.parse(at(0)) + 25 * 3600_000).toISOString(), hourly_rate: 50 }));
    expect(long.json().errors[0]).toMatchObject({ path: 'end_time', code: 'too_long' });
    const noRate = await post(mspBuild.time(p, { start_time: at(9), end_time: at(10) }));
    expect(noRate.statusCode).toBe(422);
    expect(noRate.json().code).toBe('rate_required');
  });

  it('refuses overlapping entries for one user, also under concurrency', async () => {
    const p = await seedParents(t());
    const u = await t().makeUser('technician');
    expect((await post(mspBuild.time(p, { start_time: at(14), end_time: at(15) }), u.headers)).statusCode).toBe(201);
    const overlap = await post(mspBuild.time(p, { start_time: at(14, 30), end_time: at(15, 30) }), u.headers);
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().code).toBe('overlap');
    expect((await post(mspBuild.time(p, { start_time: at(15), end_time: at(16) }), u.headers)).statusCode).toBe(201); // touching is fine
    const racers = await Promise.all([0, 1, 2].map(() => post(mspBuild.time(p, { start_time: at(18), end_time: at(19) }), u.headers)));
    expect(racers.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
  });

  it('freezes invoiced entries except for invoice fields', async () => {
    const p = await seedParents(t());
    const e = (await post(mspBuild.time(p, { start_time: at(20), end_time: at(21) }))).json();
    const inv = await t().app.inject({ method: 'PATCH', url: `/api/billable-time/${e.id}`, headers: t().adminHeaders, payload: { invoiced_at: '2026-06-01T00:00:00Z', invoice_ref: 'INV-1001' } });
    expect(inv.statusCode).toBe(200);
    const edit = await t().app.inject({ method: 'PATCH', url: `/api/billable-time/${e.id}`, headers: t().adminHeaders, payload: { hourly_rate: 1 } });
    expect(edit.statusCode).toBe(409);
    expect((await t().app.inject({ method: 'DELETE', url: `/api/billable-time/${e.id}`, headers: t().adminHeaders })).statusCode).toBe(409);
  });

  it('summarizes hours and amounts by client, project, category and day', async () => {
    const p = await seedParents(t(), { default_hourly_rate: 100 });
    const q = await seedParents(t(), { default_hourly_rate: 60 });
    const u = await t().makeUser('technician');
    await post(mspBuild.time(p, { start_time: '2026-07-01T09:00:00Z', end_time: '2026-07-01T10:00:00Z', category: 'support' }), u.headers); // 1h x 100
    await post(mspBuild.time(p, { start_time: '2026-07-01T11:00:00Z', end_time: '2026-07-01T11:20:00Z', category: 'project' }), u.headers); // 0.33h x 100 = 33
    await post(mspBuild.time(q, { start_time: '2026-07-02T09:00:00Z', end_time: '2026-07-02T11:30:00Z', category: 'support' }), u.headers); // 2.5h x 60 = 150
    await post(mspBuild.time(q, { start_time: '2026-07-02T12:00:00Z', end_time: '2026-07-02T13:00:00Z', category: 'support', is_billable: false }), u.headers);
    const get = async (query: string) => (await t().app.inject({ method: 'GET', url: `/api/billable-time/summary?user_id=${u.user.id}&${query}`, headers: t().adminHeaders })).json();

    const byClient = await get('group_by=client');
    expect(byClient.totals).toEqual({ entries: 4, minutes: 290, hours: 4.83, amount: 283 });
    const pGroup = byClient.groups.find((g: { key: string }) => g.key === p.client_id);
    expect(pGroup).toMatchObject({ entries: 2, minutes: 80, hours: 1.33, amount: 133 });
    expect(pGroup.label).toMatch(/^Client /);
    const byDay = await get('group_by=day');
    expect(byDay.groups.map((g: { key: string; amount: number }) => [g.key, g.amount])).toEqual([['2026-07-01', 133], ['2026-07-02', 150]]);
    const byCategory = await get('group_by=category&is_billable=true');
    expect(byCategory.groups.map((g: { key: string; hours: number }) => [g.key, g.hours])).toEqual([['project', 0.33], ['support', 3.5]]);
    const ranged = await get('group_by=project&from=2026-07-02T00:00:00Z&to=2026-07-03T00:00:00Z');
    expect(ranged.totals.entries).toBe(2);
    const bad = await t().app.inject({ method: 'GET', url: '/api/billable-time/summary?group_by=week', headers: t().adminHeaders });
    expect(bad.statusCode).toBe(400);
  });

  it('exports CSV that a spreadsheet will not execute', async () => {
    const p = await seedParents(t());
    const u = await t().makeUser('technician');
    await post(mspBuild.time(p, { start_time: at(6), end_time: at(7), description: '=cmd|" /C calc"!A0', category: '@risk' }), u.headers);
    const res = await t().app.inject({ method: 'GET', url: `/api/billable-time/export.csv?user_id=${u.user.id}`, headers: t().adminHeaders });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const [header, row] = res.body.trim().split('\r\n');
    expect(header.split(',')).toContain('amount');
    expect(row).toContain('"\'=cmd|"" /C calc""!A0"');
    expect(row).toContain(",'@risk,");
    expect(row).not.toMatch(/,=|,@|,\+|,-/);
  });
});
