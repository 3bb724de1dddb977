import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { systemContext } from '../src/core/context.js';
import { runCached } from '../src/db/cached-query.js';
import { describeEachDialect } from './support/dialects.js';

/** Queries compiled once per shape, then re-bound: each run must answer for its own values. */
describeEachDialect('runCached', (t) => {
  const ctx = systemContext();
  const project = async () => (await t().services.projects.create(ctx, { name: `P ${randomUUID()}`, slug: `p-${randomUUID().slice(0, 8)}` })) as unknown as { id: string; name: string };

  it('answers each run for the values given, from the SQL compiled the first time', async () => {
    const [a, b] = [await project(), await project()];
    const byId = (id: string) => runCached<{ name: string }>(t().db, `test-by-id-${t().dialect.name}`, [id], () => t().db.selectFrom('projects').select('name').where('id', '=', id));
    expect((await byId(a.id)).map((r) => r.name)).toEqual([a.name]);
    expect((await byId(b.id)).map((r) => r.name)).toEqual([b.name]);
    expect(await byId(randomUUID())).toEqual([]);
  });

  it('never caches a query whose compiled parameters are not exactly the values given, in order', async () => {
    const [a, b] = [await project(), await project()];
    // The builder binds a constant besides the caller's value: re-binding only the caller's value would be wrong.
    const named = (id: string) => runCached<{ id: string }>(t().db, 'test-extra-parameter', [id],
      () => t().db.selectFrom('projects').select('id').where('id', '=', id).where('status', '!=', 'no such status'));
    expect((await named(a.id)).map((r) => r.id)).toEqual([a.id]);
    expect((await named(b.id)).map((r) => r.id)).toEqual([b.id]);
    // Two equal values: swapped ones could not be told apart, so this shape is not cached either.
    const twice = (x: string, y: string) => runCached<{ id: string }>(t().db, 'test-repeated-values', [x, y],
      () => t().db.selectFrom('projects').select('id').where('id', 'in', [x, y]).orderBy('id'));
    expect((await twice(a.id, a.id)).map((r) => r.id)).toEqual([a.id]);
    expect((await twice(a.id, b.id)).map((r) => r.id)).toEqual([a.id, b.id].sort());
  });
});
