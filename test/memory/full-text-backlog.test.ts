import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { systemContext } from '../../src/core/context.js';
import * as m0041 from '../../src/db/migrations/0041_deferred_full_text.js';
import { BACKLOG_LIMIT, indexBacklog } from '../../src/modules/memory/full-text-backlog.js';
import { recall } from '../../src/modules/memory/recall.js';
import { RecallBody, type RecallInput } from '../../src/modules/memory/schemas.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';

/**
 * SQLite's FTS5 index is filled in batches (migration 0041): rows wait in `<table>_fts_pending` until an
 * ingest finds enough waiting or a full-text search needs them. MariaDB and PostgreSQL index as they write.
 */
const TABLES = ['context_snippets', 'conversation_contexts', 'decision_logs'];
const ctx = systemContext();

describe.each(DIALECTS.filter((d) => d.name === 'sqlite'))('the full-text backlog [$name]', (dialect) => {
  let t: TestApp;
  let projectId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    projectId = (await t.services.projects.create(ctx, { name: 'Backlog', slug: `backlog-${randomUUID().slice(0, 8)}` })).id as string;
  });
  afterAll(async () => { await t?.close(); });

  const pending = async () => {
    let n = 0;
    for (const table of TABLES) n += Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(`${table}_fts_pending`)}`.execute(t.db)).rows[0]!.n);
    return n;
  };
  /** Ids of the snippets FTS5 finds for a term (no backlog drain: what the index holds now). */
  const inIndex = async (term: string) => (await sql<{ id: string }>`select id from context_snippets where rowid in
    (select rowid from context_snippets_fts where context_snippets_fts match ${`"${term}"`}) order by id`.execute(t.db)).rows.map((r) => r.id);
  /** What FTS5 should find: the rows holding the term in any indexed column, read from the table itself. */
  const inTable = async (term: string) => (await sql<{ id: string }>`select id from context_snippets where
    ' ' || coalesce(search_terms, '') || ' ' || coalesce(context_terms, '') || ' ' || coalesce(scope_terms, '') || ' ' like ${`% ${term} %`} order by id`.execute(t.db)).rows.map((r) => r.id);
  const integrityCheck = async () => {
    for (const table of TABLES) await sql.raw(`INSERT INTO ${table}_fts(${table}_fts, rank) VALUES ('integrity-check', 1)`).execute(t.db);
  };
  /** A recall that asks the database's full-text index (no memory index). */
  const recallFromDatabase = (query: string) => recall({ db: t.db, clock: systemClock }, ctx,
    RecallBody.parse({ query, project_id: projectId, record_usage: false }) as RecallInput, { projectId, clientId: null });

  it('leaves an ingest\'s rows waiting, and a full-text search indexes them first', async () => {
    await indexBacklog(t.db);
    const word = `narwhal${randomUUID().slice(0, 6)}7`;
    const turns = Array.from({ length: 8 }, (_, i) => ({ ref: `n:${i}`, role: i % 2 ? 'assistant' : 'user', text: `Turn ${i}: the ${word} relay in cabinet ${i} was replaced.` }));
    const stored = await t.services.memory.ingest(ctx, { project_id: projectId, session: { external_id: randomUUID() }, turns });
    expect(await pending()).toBe(stored.items.length);
    expect(await inIndex(word)).toEqual([]);

    const found = await recallFromDatabase(`${word} relay`);
    expect(found.items.length).toBeGreaterThan(0);
    expect(await pending()).toBe(0);
    expect(await inIndex(word)).toEqual(await inTable(word));
    expect((await inIndex(word)).length).toBe(8);
    await integrityCheck();
  });

  it('indexes the backlog inside an ingest once enough rows wait, so it never grows past that', async () => {
    await indexBacklog(t.db);
    let drained = false;
    let before = 0;
    for (let batch = 0; batch < 15; batch++) {
      const turns = Array.from({ length: 20 }, (_, i) => ({ ref: `b${batch}:${i}`, role: 'user', text: `Batch ${batch} turn ${i} about the gateway ${batch * 20 + i}.` }));
      await t.services.memory.ingest(ctx, { project_id: projectId, session: { external_id: randomUUID() }, turns });
      const now = await pending();
      if (now < before) drained = true;
      expect(now).toBeLessThan(BACKLOG_LIMIT + 30);
      before = now;
    }
    expect(drained).toBe(true);
    await indexBacklog(t.db);
    await integrityCheck();
  });

  it('keeps the full-text index exact through inserts, updates and deletes of rows waiting or indexed', async () => {
    const words = Array.from({ length: 6 }, (_, i) => `okapi${i}${randomUUID().slice(0, 4)}7`);
    let seed = 7;
    const random = (n: number) => { // mulberry32: a fixed sequence, so a failure replays
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) % n;
    };
    const done = [0, 0, 0, 0];
    const live: string[] = [];
    for (let step = 0; step < 300; step++) {
      const action = random(10);
      if (action < 4 || !live.length) {
        const row = await t.services.context.contextSnippets.create(ctx, { project_id: projectId, category: 'note', dense_content: `The ${words[random(6)]} and the ${words[random(6)]} rack` }) as { id: string };
        live.push(row.id);
        done[0]!++;
      } else if (action < 7) {
        done[1]!++;
        await t.services.context.contextSnippets.update(ctx, live[random(live.length)]!, { dense_content: `Now the ${words[random(6)]} only` });
      } else if (action < 9) {
        done[2]!++;
        await t.services.context.contextSnippets.remove(ctx, live.splice(random(live.length), 1)[0]!);
      } else {
        done[3]!++;
        await indexBacklog(t.db);
      }
    }
    await indexBacklog(t.db);
    await integrityCheck();
    for (const word of words) expect(await inIndex(word)).toEqual(await inTable(word));
    expect((await Promise.all(words.map(inIndex))).flat().length).toBeGreaterThan(0);
    expect(Math.min(...done)).toBeGreaterThan(20); // every kind of step, many times
  });

  it('migrating down indexes what waits and goes back to indexing in the writing transaction', async () => {
    const word = `tapir${randomUUID().slice(0, 6)}7`;
    await t.services.context.contextSnippets.create(ctx, { project_id: projectId, category: 'note', dense_content: `The ${word} console cable` });
    expect(await pending()).toBeGreaterThan(0);
    await m0041.down(t.db);
    expect(await inIndex(word)).toEqual(await inTable(word));
    const later = `tapir${randomUUID().slice(0, 6)}8`;
    await t.services.context.contextSnippets.create(ctx, { project_id: projectId, category: 'note', dense_content: `The ${later} console cable` });
    expect((await inIndex(later)).length).toBe(1);
    await integrityCheck();
    await m0041.up(t.db);
    expect(await pending()).toBe(0);
    await t.services.context.contextSnippets.create(ctx, { project_id: projectId, category: 'note', dense_content: `The ${later} spare cable` });
    expect(await pending()).toBe(1);
    await indexBacklog(t.db);
    expect((await inIndex(later)).length).toBe(2);
    await integrityCheck();
  });
});
