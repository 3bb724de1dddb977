import { expect, it } from 'vitest';
import type { Entity } from '../../src/entities/define-entity.js';
import type { TestApp } from './app.js';

export interface ContractOptions {
  entity: Entity;
  /** A valid create body, fresh each call. */
  build: () => Record<string, unknown>;
  /** A valid partial update. */
  patch: () => Record<string, unknown>;
}

/**
 * The CRUD contract every declared entity meets, derived from its declaration: the five routes,
 * list paging / sort / filter / search, validation naming fields, 404s, viewer read-only, audit rows.
 * Call it inside describeEachDialect.
 */
export function crudContract(t: () => TestApp, { entity, build, patch }: ContractOptions) {
  const base = `/api/${entity.path}`;
  const as = (headers: Record<string, string>) => ({ headers });
  const create = async (body = build()) => {
    const res = await t().app.inject({ method: 'POST', url: base, payload: body, ...as(t().adminHeaders) });
    expect(res.statusCode, res.body).toBe(201);
    return { body, row: res.json() };
  };

  it('creates, reads, updates and deletes', async () => {
    const { body, row } = await create();
    expect(row).toMatchObject(body);
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(row.created_at)).not.toBeNaN();

    const got = await t().app.inject({ method: 'GET', url: `${base}/${row.id}`, ...as(t().adminHeaders) });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(row);

    const change = patch();
    const updated = await t().app.inject({ method: 'PATCH', url: `${base}/${row.id}`, payload: change, ...as(t().adminHeaders) });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toEqual({ ...row, ...change, updated_at: expect.any(String) });

    const del = await t().app.inject({ method: 'DELETE', url: `${base}/${row.id}`, ...as(t().adminHeaders) });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    const gone = await t().app.inject({ method: 'GET', url: `${base}/${row.id}`, ...as(t().adminHeaders) });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('not_found');
    const again = await t().app.inject({ method: 'DELETE', url: `${base}/${row.id}`, ...as(t().adminHeaders) });
    expect(again.statusCode).toBe(404);
  });

  it('writes one audit row per mutation, with the actor and the changes', async () => {
    const { row } = await create();
    await t().app.inject({ method: 'PATCH', url: `${base}/${row.id}`, payload: patch(), ...as(t().adminHeaders) });
    await t().app.inject({ method: 'DELETE', url: `${base}/${row.id}`, ...as(t().adminHeaders) });
    const rows = await t().db.selectFrom('audit_logs').selectAll().where('entity_id', '=', row.id).orderBy('seq').execute();
    expect(rows.map((r) => r.action)).toEqual(['create', 'update', 'delete']);
    expect(rows.every((r) => r.user_id === t().admin.id && r.entity === entity.table && r.request_id)).toBe(true);
  });

  it('pages, sorts on declared fields and counts the total', async () => {
    for (let i = 0; i < 3; i++) await create();
    const page = await t().app.inject({ method: 'GET', url: `${base}?limit=2&offset=1`, ...as(t().adminHeaders) });
    expect(page.statusCode).toBe(200);
    const body = page.json();
    expect(body.limit).toBe(2);
    expect(body.offset).toBe(1);
    expect(body.items).toHaveLength(2);
    expect(body.total).toBeGreaterThanOrEqual(3);
    for (const field of entity.list.sort) {
      for (const dir of ['', '-']) {
        const res = await t().app.inject({ method: 'GET', url: `${base}?sort=${dir}${field}&limit=500`, ...as(t().adminHeaders) });
        expect(res.statusCode, `${dir}${field}: ${res.body}`).toBe(200);
        const values = res.json().items.map((r: Record<string, unknown>) => r[field]).filter((v: unknown) => v != null);
        const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        if (typeof values[0] === 'string' && field.endsWith('_at')) expect(values).toEqual(dir ? sorted.reverse() : sorted);
      }
    }
  });

  it('filters on every declared filter field and searches with q', async () => {
    const { row } = await create();
    for (const field of entity.list.filter) {
      if (row[field] == null) continue;
      const res = await t().app.inject({ method: 'GET', url: `${base}?${field}=${encodeURIComponent(String(row[field]))}&limit=500`, ...as(t().adminHeaders) });
      expect(res.statusCode, res.body).toBe(200);
      const items = res.json().items;
      expect(items.some((r: { id: string }) => r.id === row.id)).toBe(true);
      expect(items.every((r: Record<string, unknown>) => r[field] === row[field])).toBe(true);
    }
    for (const field of entity.list.search) {
      const value = String(row[field] ?? '');
      if (value.length < 4) continue;
      const needle = value.slice(1, -1).toUpperCase();
      const res = await t().app.inject({ method: 'GET', url: `${base}?q=${encodeURIComponent(needle)}`, ...as(t().adminHeaders) });
      expect(res.statusCode).toBe(200);
      expect(res.json().items.some((r: { id: string }) => r.id === row.id), `q on ${field}`).toBe(true);
    }
  });

  it('refuses unknown fields, missing required fields and bad list parameters with 400 naming the field', async () => {
    const unknown = await t().app.inject({ method: 'POST', url: base, payload: { ...build(), no_such_field: 1 }, ...as(t().adminHeaders) });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('validation_failed');
    const required = Object.entries(entity.fields).find(([, fl]) => !fl.spec.nullable && !fl.spec.hasDefault && !fl.spec.readOnly)?.[0];
    if (required) {
      const { [required]: _drop, ...rest } = build();
      const missing = await t().app.inject({ method: 'POST', url: base, payload: rest, ...as(t().adminHeaders) });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().errors.map((e: { path: string }) => e.path)).toContain(required);
    }
    for (const q of ['sort=password_hash', 'sort=id;DROP TABLE users', 'sort=(select 1)', 'limit=501', 'limit=0', 'offset=-1', 'bogus=1']) {
      const res = await t().app.inject({ method: 'GET', url: `${base}?${q}`, ...as(t().adminHeaders) });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().code).toBe('validation_failed');
    }
    const badId = await t().app.inject({ method: 'GET', url: `${base}/not-a-uuid`, ...as(t().adminHeaders) });
    expect(badId.statusCode).toBe(400);
  });

  it('refuses a wrong type for every writable field, naming it, and stores nothing', async () => {
    const table = () => t().db.selectFrom(entity.table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    const before = Number((await table())?.n);
    for (const [field, fl] of Object.entries(entity.fields)) {
      if (fl.spec.readOnly) continue;
      const wrong = fl.spec.kind === 'string' ? { nested: true } : fl.spec.kind === 'number' ? 'twelve' : fl.spec.kind === 'bool' ? 'yes' : 'not json of the right shape';
      const res = await t().app.inject({ method: 'POST', url: base, payload: { ...build(), [field]: wrong }, ...as(t().adminHeaders) });
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path.split('.')[0]), field).toContain(field);
    }
    const huge = await t().app.inject({ method: 'POST', url: base, payload: { ...build(), [Object.keys(entity.fields)[0]]: 'x'.repeat(10 * 1024 * 1024) }, ...as(t().adminHeaders) });
    expect(huge.statusCode).toBe(413);
    expect(Number((await table())?.n)).toBe(before);
  });

  it('needs authentication', async () => {
    const res = await t().app.inject({ method: 'GET', url: base });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  if (entity.access.write !== 'admin') {
    it('lets a viewer read but not write, and a refused write changes nothing', async () => {
      const viewer = await t().makeUser('viewer');
      const { row } = await create();
      expect((await t().app.inject({ method: 'GET', url: `${base}/${row.id}`, ...as(viewer.headers) })).statusCode).toBe(200);
      const before = await t().app.inject({ method: 'GET', url: `${base}?limit=500`, ...as(t().adminHeaders) });
      for (const req of [
        { method: 'POST' as const, url: base, payload: build() },
        { method: 'PATCH' as const, url: `${base}/${row.id}`, payload: patch() },
        { method: 'DELETE' as const, url: `${base}/${row.id}` },
      ]) {
        const res = await t().app.inject({ ...req, ...as(viewer.headers) });
        expect(res.statusCode, `${req.method}`).toBe(403);
      }
      const after = await t().app.inject({ method: 'GET', url: `${base}?limit=500`, ...as(t().adminHeaders) });
      expect(after.json()).toEqual(before.json());
    });
  }
}
