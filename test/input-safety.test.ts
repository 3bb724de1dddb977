import { expect, it } from 'vitest';
import { createTestApp } from './support/app.js';
import { describeEachDialect } from './support/dialects.js';
import { build } from './support/factories.js';

/** Hostile and malformed input: always a 4xx with a problem body, never a 500, and nothing stored. */
describeEachDialect('input safety', (t) => {
  const post = (payload: string | Buffer, headers: Record<string, string> = {}) =>
    t().app.inject({ method: 'POST', url: '/api/machines', payload, headers: { ...t().adminHeaders, 'content-type': 'application/json', ...headers } });
  const countMachines = async () => Number((await t().db.selectFrom('machines').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n);

  it.each([
    ['__proto__ at the top', '{"__proto__": {"isAdmin": true}, "hostname": "h1"}', 'forbidden_key'],
    ['__proto__ nested', '{"hostname": "h2", "capabilities": {"__proto__": {"polluted": true}}}', 'forbidden_key'],
    ['constructor.prototype', '{"hostname": "h3", "constructor": {"prototype": {"polluted": true}}}', 'forbidden_key'],
    ['invalid JSON', '{"hostname": ', 'invalid_json'],
    ['an empty body', '', 'empty_body'],
  ])('refuses %s with 400', async (_name, body, code) => {
    const before = await countMachines();
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(code);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await countMachines()).toBe(before);
  });

  it('refuses JSON nested too deeply', async () => {
    const deep = '{"hostname":"x","capabilities":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5001);
    const res = await post(deep);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('too_deep');
    const arrays = await post('['.repeat(100_000) + ']'.repeat(100_000));
    expect(arrays.statusCode).toBe(400);
  });

  it('refuses invalid UTF-8', async () => {
    const body = Buffer.concat([Buffer.from('{"hostname":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_utf8');
  });

  it('refuses wrong types, unknown fields and non-object bodies, naming the field', async () => {
    const wrong = await post(JSON.stringify({ hostname: 42, is_active: 'yes', capabilities: [1] }));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['capabilities', 'hostname', 'is_active']);
    const unknown = await post(JSON.stringify({ ...build.machine(), role: 'admin' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ location: 'body', code: 'unrecognized_keys' });
    for (const body of ['[]', '"text"', '42', 'null']) expect((await post(body)).statusCode, body).toBe(400);
  });

  it('says which part of the request is wrong: path, query string or body', async () => {
    const detail = async (url: string) => (await t().app.inject({ method: 'GET', url, headers: t().adminHeaders })).json().detail;
    expect(await detail('/api/machines/not-a-uuid')).toBe('The path is not valid');
    expect(await detail('/api/machines?limit=-1')).toBe('The query string is not valid');
  });

  it('refuses an unsupported content type with 415', async () => {
    const res = await post('hostname=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('unsupported_media_type');
  });

  it('keeps SQL out of sort, filters and search', async () => {
    await post(JSON.stringify(build.machine()));
    for (const q of ["sort=hostname;DROP TABLE machines", "sort=hostname desc", "sort=-(select 1)", "platform=linux' OR '1'='1"]) {
      const res = await t().app.inject({ method: 'GET', url: `/api/machines?${encodeURI(q)}`, headers: t().adminHeaders });
      expect(res.statusCode, q).toBe(400);
    }
    for (const q of ["' OR 1=1 --", '%', '_', '\\', "'; DROP TABLE machines; --"]) {
      const res = await t().app.inject({ method: 'GET', url: `/api/machines?q=${encodeURIComponent(q)}`, headers: t().adminHeaders });
      expect(res.statusCode, q).toBe(200);
      expect(res.json().items, q).toEqual([]);
    }
    const hostname = (await t().db.selectFrom('machines').select('hostname').executeTakeFirstOrThrow()).hostname;
    const exact = await t().app.inject({ method: 'GET', url: `/api/machines?hostname=${encodeURIComponent(hostname)}`, headers: t().adminHeaders });
    expect(exact.json().total).toBe(1);
  });

  it('answers unknown routes with a problem body', async () => {
    const res = await t().app.inject({ method: 'GET', url: '/api/nothing-here', headers: t().adminHeaders });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('route_not_found');
  });

  it('refuses a body over the limit with 413, before parsing it', async () => {
    const small = await createTestApp(t().dialect, { settings: { bodyLimit: 2048 } });
    try {
      const res = await small.app.inject({
        method: 'POST', url: '/api/machines', headers: { ...small.adminHeaders, 'content-type': 'application/json' },
        payload: JSON.stringify({ ...build.machine(), notes: 'x'.repeat(4096) }),
      });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ status: 413, code: 'payload_too_large' });
    } finally {
      await small.close();
    }
  });
});
