import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { KyselyPlugin } from 'kysely';
import { systemClock } from '../src/core/clock.js';
import { systemContext } from '../src/core/context.js';
import { MemoryIndex } from '../src/modules/memory/memory-index.js';
import { recall } from '../src/modules/memory/recall.js';
import { RecallBody, type RecallInput } from '../src/modules/memory/schemas.js';
import { resolveScope } from '../src/modules/memory/scope.js';
import { describeEachDialect } from './support/dialects.js';
import { mspBuild } from './support/msp.js';

/** The ids of a search's candidates, read from the rows a recall would show. */
const idsOf = (found: Awaited<ReturnType<MemoryIndex['search']>>) => Array.from({ length: found!.columns.length }, (_, i) => found!.columns.item(i).row.id);

const ctx = systemContext();

/** A plugin whose next query, once armed, fails as a dropped connection would. */
function failingOnce() {
  let armed = false;
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (armed) { armed = false; throw new Error('transient: connection reset'); }
      return args.node;
    },
    async transformResult(args) { return args.result; },
  };
  return { plugin, arm: () => { armed = true; } };
}
// Made-up words end in a digit, so stemming leaves them as they are (they are searched for as given).

describeEachDialect('memory index coherence', (t, dialect) => {
  const s = () => t().services;
  const scopeAll = (asOf = '2030-01-01T00:00:00.000Z') => ({ projectId: null, clientId: null, allowedClients: null, asOf, tags: [] as string[] });

  /** 3,300 turns in a new project (more than the 3,000 a kind keeps), then one recall through the index and one through the database. */
  const bothPaths = async (ref: string, text: (i: number) => string, query: string) => {
    const project = (await s().projects.create(ctx, mspBuild.project({ client_id: null } as any))).id as string;
    const turns = Array.from({ length: 3300 }, (_, i) => ({ ref: `${ref}:${i}`, role: 'user', text: text(i), at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }));
    await s().memory.ingest(ctx, { project_id: project, session: { external_id: randomUUID() }, turns });
    const input = RecallBody.parse({ query, project_id: project, limit: 20, token_budget: 4000, record_usage: false, explain: true, as_of: '2030-01-01T00:00:00.000Z' }) as RecallInput;
    const resolved = await resolveScope(t().db, ctx, input);
    const fromIndex = await recall({ db: t().db, clock: systemClock, memoryIndex: s().memoryIndex }, ctx, input, resolved);
    const fromDb = await recall({ db: t().db, clock: systemClock }, ctx, input, resolved);
    return { fromIndex, fromDb };
  };

  it('keeps the same 3000 newest matches of a kind as the database when more match', async () => {
    const { fromIndex, fromDb } = await bothPaths('cap', (i) => `Narwhal note ${i} about the gateway ${i % 7}`, 'narwhal');
    expect(fromIndex).toEqual(fromDb);
  });

  it('keeps the same newest items as the database for a query of stopwords, ties broken by id', async () => {
    const { fromIndex, fromDb } = await bothPaths('nt', (i) => `Walrus ${i} item`, 'the and of');
    expect(fromIndex.items.map((i) => i.id)).toEqual(fromDb.items.map((i) => i.id));
  });

  it('queues nothing while it is off', async () => {
    const off = new MemoryIndex(t().db, { maxItems: 0 });
    expect(await off.warm()).toBe(false);
    for (let i = 0; i < 10_000; i++) off.touched('context_snippet', [randomUUID()]);
    await off.search(scopeAll(), ['x'], ['x'], 3000);
    expect((off as any).pending.get('context_snippet')?.size ?? 0).toBe(0);
  });

  it('retries a failed look for other processes\' writes at the next recall', async () => {
    const failing = failingOnce();
    const elsewhere = new MemoryIndex(t().db.withPlugin(failing.plugin), { checkIntervalMs: 0 });
    await elsewhere.warm();
    const word = `okapi${randomUUID().slice(0, 6)}7`;
    const item = await s().context.contextSnippets.create(ctx, { category: 'fact', dense_content: `The ${word} switch` }) as any;
    if (dialect.name === 'sqlite') (elsewhere as any).dataVersion = -1; // an in-memory database has one connection: stand in for another's commit
    failing.arm();
    await expect(elsewhere.search(scopeAll(), [word], [word], 3000)).rejects.toThrow('transient');
    expect(idsOf(await elsewhere.search(scopeAll(), [word], [word], 3000))).toEqual([item.id]);
  });

  it('reads again after a failed read the items it was told about', async () => {
    const failing = failingOnce();
    const idx = new MemoryIndex(t().db.withPlugin(failing.plugin), { checkIntervalMs: 3_600_000 });
    await idx.warm();
    const word = `yak${randomUUID().slice(0, 6)}7`;
    await t().db.insertInto('context_snippets').values({ id: randomUUID(), category: 'fact', dense_content: word, tags: '[]', source_refs: '[]',
      search_terms: word, term_count: 1, context_terms: '', context_count: 0, tokens: 1, content_hash: 'x', relevance_score: 1, usage_count: 0, pinned: 0,
      created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' } as any).execute();
    const id = (await t().db.selectFrom('context_snippets').select('id').where('dense_content', '=', word).executeTakeFirstOrThrow()).id as string;
    idx.touched('context_snippet', [id]);
    await idx.search(scopeAll(), [word], [word], 3000).catch(() => {});
    (idx as any).changedElsewhere = async () => false; // sqlite: our own inserts above bumped nothing; keep the test about pending only
    expect((await idx.search(scopeAll(), [word], [word], 3000))!.columns.length).toBe(1);
    await t().db.deleteFrom('context_snippets').where('id', '=', id).execute();
    idx.touched('context_snippet', [id]);
    failing.arm(); // the first query of the next sync fails once (the refetch)
    await idx.search(scopeAll(), [word], [word], 3000).catch(() => undefined);
    const after = await idx.search(scopeAll(), [word], [word], 3000);
    expect(idsOf(after)).toEqual([]);
  });

  it.runIf(dialect.name !== 'sqlite')('sees another process\'s deletes and project deletes, whatever the counts', async () => {
    const elsewhere = new MemoryIndex(t().db, { checkIntervalMs: 0 });
    await elsewhere.warm();
    const w1 = `emu${randomUUID().slice(0, 6)}7`;
    const victim = await s().context.contextSnippets.create(ctx, { category: 'fact', dense_content: `The ${w1} backup` }) as any;
    await elsewhere.search(scopeAll(), [w1], [w1], 3000); // reload sees it
    // Other process deletes `victim`; this process creates one item and is told of it.
    await s().context.contextSnippets.remove(ctx, victim.id);
    const mine = await s().context.contextSnippets.create(ctx, { category: 'fact', dense_content: 'unrelated words here' }) as any;
    elsewhere.touched('context_snippet', [mine.id]);
    const a = await elsewhere.search(scopeAll(), [w1], [w1], 3000);

    // Other process deletes a lone project: its item becomes global in the database.
    const lone = (await s().projects.create(ctx, mspBuild.project({ client_id: null } as any))).id as string;
    const w2 = `gnu${randomUUID().slice(0, 6)}7`;
    const item = await s().context.contextSnippets.create(ctx, { project_id: lone, category: 'fact', dense_content: `The ${w2} router` }) as any;
    await new Promise((r) => setTimeout(r, 5));
    await elsewhere.search(scopeAll(), [w2], [w2], 3000);
    await s().projects.remove(ctx, lone);
    const other = (await s().projects.create(ctx, mspBuild.project({ client_id: null } as any))).id as string;
    elsewhere.touched('context_snippet', []); // nothing
    const b = await elsewhere.search({ ...scopeAll(), projectId: other }, [w2], [w2], 3000);
    expect(idsOf(a)).not.toContain(victim.id);
    expect(idsOf(b)).toContain(item.id);
  });
  it.runIf(dialect.name !== 'sqlite')('keeps looking for other processes\' writes while recalls record usage', async () => {
    const elsewhere = new MemoryIndex(t().db, { checkIntervalMs: 0 });
    await elsewhere.warm();
    const deps = { db: t().db, clock: systemClock, memoryIndex: elsewhere };
    const ask = async (query: string) => {
      const input = RecallBody.parse({ query, limit: 5, token_budget: 2000, record_usage: true }) as RecallInput;
      return recall(deps, ctx, input, await resolveScope(t().db, ctx, input));
    };
    const seed = `kiwi${randomUUID().slice(0, 6)}7`;
    await s().context.contextSnippets.create(ctx, { category: 'fact', dense_content: `The ${seed} seed` });
    await new Promise((r) => setTimeout(r, 5));
    expect((await ask(seed)).items.length).toBe(1); // reload picked it up; this recall bumps usage -> touched
    const late = `moa${randomUUID().slice(0, 6)}7`;
    await s().context.contextSnippets.create(ctx, { category: 'fact', dense_content: `The ${late} fact` }); // written by "another process"
    for (let i = 0; i < 3; i++) {
      await ask(seed); // each shows the seed and bumps it again
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await ask(late)).items.length).toBe(1);
  });
});
