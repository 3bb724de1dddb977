import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices } from '../src/app.js';
import { systemContext } from '../src/core/context.js';
import type { Db } from '../src/db/database.js';
import { migrateToLatest, migratorFor } from '../src/db/migrator.js';
import { migrations } from '../src/db/migrations/index.js';
import { prepareMemory } from '../src/modules/memory/prepare.js';
import { DIALECTS, freshDatabase } from './support/databases.js';

/**
 * Upgrading a database that already holds memories: the scope tokens (migration 0029) are filled in
 * for existing rows, and scoped recall finds them afterwards, on every database.
 */
describe.each(DIALECTS)('memory search migration on a database with data [$name]', (dialect) => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let database: Db;
  beforeAll(async () => {
    fresh = await freshDatabase(dialect);
    database = fresh.database;
    const down = await migratorFor(database.db).migrateTo('0023_memory_search');
    if (down.error) throw down.error;
  });
  afterAll(async () => { await fresh?.drop(); });

  it('applies a migration numbered before ones already applied (work merged side by side)', async () => {
    await migrateToLatest(database.db);
    const earlier = '0026_security_incidents';
    await migrations[earlier]!.down!(database.db);
    await sql`delete from kysely_migration where name = ${earlier}`.execute(database.db);
    expect(await migrateToLatest(database.db)).toEqual([earlier]);
    await database.db.selectFrom('security_incidents').select('id').execute();
    expect(await migratorFor(database.db).migrateTo('0023_memory_search').then((r) => r.error)).toBeUndefined();
  });

  it('fills scope_terms and restems old terms for existing rows, so scoped recall finds them', async () => {
    const now = new Date().toISOString();
    const project = { id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', name: 'Legacy', slug: 'legacy', status: 'active', created_at: now, updated_at: now };
    await database.db.insertInto('projects').values(project).execute();
    const values = { project_id: project.id, client_id: null, category: 'note', title: 'Pump', dense_content: 'The glycol pump in plant seven trips its breaker at dawn; we bought a spare' };
    const { scope_terms: _ignored, ...derived } = prepareMemory('context_snippet', values);
    // Stored as the stemming before migration 0032 left it: "bought" was its own stem.
    derived.search_terms = String(derived.search_terms).replace(/\bbui\b/, 'bought');
    expect(derived.search_terms).toContain('bought');
    await database.db.insertInto('context_snippets').values({
      id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c', ...values, ...derived, tags: '[]', source_refs: '[]', created_at: now, updated_at: now,
    }).execute();

    await migrateToLatest(database.db);
    const row = await database.db.selectFrom('context_snippets').select('scope_terms').executeTakeFirstOrThrow();
    expect(row.scope_terms).toBe(`pzq${project.id.replaceAll('-', '')}`);

    const services = buildServices({ database, keys: { jwt: Buffer.alloc(32, 1), audit: Buffer.alloc(32, 2), master: Buffer.alloc(32, 3) }, settings: { auth: {} } as any });
    const found = await services.memory.recall(systemContext(), { query: 'glycol pump breaker', project_id: project.id, token_budget: 500, limit: 5, tags: [], record_usage: false, explain: false } as any);
    expect(found.items.map((i) => i.text)).toEqual([values.dense_content]);
    // Migration 0032 restemmed the old term, so the present tense finds it.
    const spare = await services.memory.recall(systemContext(), { query: 'buy', project_id: project.id, token_budget: 500, limit: 5, tags: [], record_usage: false, explain: false } as any);
    expect(spare.items.map((i) => i.text)).toEqual([values.dense_content]);
  });
});
