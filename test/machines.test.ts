import { expect, it } from 'vitest';
import { Machine } from '../src/modules/machines/entity.js';
import { crudContract } from './support/crud-contract.js';
import { describeEachDialect } from './support/dialects.js';
import { build } from './support/factories.js';

describeEachDialect('machines', (t) => {
  crudContract(t, {
    entity: Machine,
    build: () => build.machine(),
    patch: () => ({ friendly_name: 'Renamed', is_active: false, capabilities: { node: '20.1' } }),
  });

  it('refuses a second machine with the same hostname and username with 409', async () => {
    const body = build.machine();
    const first = await t().app.inject({ method: 'POST', url: '/api/machines', payload: body, headers: t().adminHeaders });
    expect(first.statusCode).toBe(201);
    const dup = await t().app.inject({ method: 'POST', url: '/api/machines', payload: { ...build.machine(), hostname: body.hostname, username: body.username }, headers: t().adminHeaders });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'already_exists', status: 409 });
    expect(dup.json().errors.map((e: { path: string }) => e.path)).toEqual(['hostname', 'username']);
  });

  it('validates enums and types with the field path', async () => {
    const res = await t().app.inject({ method: 'POST', url: '/api/machines', payload: build.machine({ platform: 'beos', is_active: 'yes' }), headers: t().adminHeaders });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['is_active', 'platform']);
  });
});
