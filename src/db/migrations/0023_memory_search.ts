import { sql, type Kysely } from 'kysely';
import { dialectOf, types as t } from '../dialect.js';

/**
 * Full-text candidate search for recall, one native index per database over the same stored terms
 * (already stemmed and encoded by the engine): FTS5 on SQLite, FULLTEXT on MariaDB, a GIN tsvector
 * on PostgreSQL. Ranking happens in the engine, so the index only has to find every item holding
 * a query term; `context_terms` holds the words of neighbouring turns, which find an item too.
 * Also the ingest ledger that makes a retried ingest store once.
 */
export const MEMORY_TABLES = ['conversation_contexts', 'context_snippets', 'decision_logs'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  for (const table of MEMORY_TABLES) {
    await db.schema.alterTable(table).addColumn('context_terms', t.text(db)).execute();
    await db.schema.alterTable(table).addColumn('context_count', t.int, (c) => c.notNull().defaultTo(0)).execute();
    if (dialect === 'sqlite') {
      const fts = `${table}_fts`;
      await sql.raw(`CREATE VIRTUAL TABLE ${fts} USING fts5(search_terms, context_terms, content='${table}', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')`).execute(db);
      await sql.raw(`CREATE TRIGGER ${fts}_ai AFTER INSERT ON ${table} BEGIN
        INSERT INTO ${fts}(rowid, search_terms, context_terms) VALUES (new.rowid, new.search_terms, new.context_terms); END`).execute(db);
      await sql.raw(`CREATE TRIGGER ${fts}_ad AFTER DELETE ON ${table} BEGIN
        INSERT INTO ${fts}(${fts}, rowid, search_terms, context_terms) VALUES ('delete', old.rowid, old.search_terms, old.context_terms); END`).execute(db);
      await sql.raw(`CREATE TRIGGER ${fts}_au AFTER UPDATE OF search_terms, context_terms ON ${table} BEGIN
        INSERT INTO ${fts}(${fts}, rowid, search_terms, context_terms) VALUES ('delete', old.rowid, old.search_terms, old.context_terms);
        INSERT INTO ${fts}(rowid, search_terms, context_terms) VALUES (new.rowid, new.search_terms, new.context_terms); END`).execute(db);
    } else if (dialect === 'mysql') {
      await sql.raw(`ALTER TABLE ${table} ADD FULLTEXT INDEX ${table}_ft (search_terms, context_terms)`).execute(db);
    } else {
      // Stored, not an expression index: when the planner starts from the project index instead, it reads
      // the vector rather than re-parsing every row's terms.
      await sql.raw(`ALTER TABLE ${table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(search_terms, '') || ' ' || coalesce(context_terms, ''))) STORED`).execute(db);
      await sql.raw(`CREATE INDEX ${table}_fts_idx ON ${table} USING gin (search_vector)`).execute(db);
    }
  }

  await db.schema.createTable('memory_ingests')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('idempotency_key', t.string(128), (c) => c.notNull().unique())
    .addColumn('project_id', t.id, (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('session_id', t.id, (c) => c.references('sessions.id').onDelete('set null'))
    .addColumn('result', t.json(db), (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  await db.schema.dropTable('memory_ingests').execute();
  for (const table of MEMORY_TABLES) {
    if (dialect === 'sqlite') {
      for (const suffix of ['ai', 'ad', 'au']) await sql.raw(`DROP TRIGGER ${table}_fts_${suffix}`).execute(db);
      await sql.raw(`DROP TABLE ${table}_fts`).execute(db);
    } else if (dialect === 'mysql') {
      await sql.raw(`ALTER TABLE ${table} DROP INDEX ${table}_ft`).execute(db);
    } else {
      await sql.raw(`DROP INDEX ${table}_fts_idx`).execute(db);
      await db.schema.alterTable(table).dropColumn('search_vector').execute();
    }
    await db.schema.alterTable(table).dropColumn('context_count').execute();
    await db.schema.alterTable(table).dropColumn('context_terms').execute();
  }
}
