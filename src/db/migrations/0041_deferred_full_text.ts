import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';
import { MEMORY_TABLES } from './0023_memory_search.js';
import { createSqliteTriggers } from './0029_memory_scope_terms.js';

/** The columns the FTS5 index of each memory table holds (migration 0029). */
const COLUMNS = ['search_terms', 'context_terms', 'scope_terms'];

/**
 * SQLite: rows reach the FTS5 index in batches instead of in the transaction that writes them. FTS5
 * writes a new index segment at every commit, which cost more than the rows themselves: at 100k items
 * an ingest batch of 20 turns spent ~2.4 ms of its ~10 ms in FTS5. Now the insert trigger only notes the
 * row in `<table>_fts_pending`, and `src/modules/memory/full-text-backlog.ts` indexes the pending rows,
 * hundreds at a time, inside an ingest's transaction once enough are waiting, and always before a
 * full-text search (so a search never misses a row). Recall reads the in-memory index, not FTS5, so
 * nothing a user sees waits for the backlog.
 * A row still pending is not in the FTS5 index: deleting it must not tell FTS5 to delete it (an
 * external-content FTS5 table takes a delete of a row it does not hold as corruption), and updating it
 * changes nothing (its newest values are read when it is indexed). MariaDB and PostgreSQL keep their
 * own indexes: nothing changes there.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  for (const table of MEMORY_TABLES) {
    const fts = `${table}_fts`;
    const pending = `${table}_fts_pending`;
    const list = COLUMNS.join(', ');
    const old = COLUMNS.map((c) => `old.${c}`).join(', ');
    const indexed = `NOT EXISTS (SELECT 1 FROM ${pending} WHERE row_id = old.rowid)`;
    await sql.raw(`CREATE TABLE ${pending} (row_id INTEGER PRIMARY KEY)`).execute(db);
    await dropTriggers(db, fts);
    await sql.raw(`CREATE TRIGGER ${fts}_ai AFTER INSERT ON ${table} BEGIN
      INSERT OR IGNORE INTO ${pending}(row_id) VALUES (new.rowid); END`).execute(db);
    await sql.raw(`CREATE TRIGGER ${fts}_ad AFTER DELETE ON ${table} BEGIN
      INSERT INTO ${fts}(${fts}, rowid, ${list}) SELECT 'delete', old.rowid, ${old} WHERE ${indexed};
      DELETE FROM ${pending} WHERE row_id = old.rowid; END`).execute(db);
    await sql.raw(`CREATE TRIGGER ${fts}_au AFTER UPDATE OF ${list} ON ${table} BEGIN
      INSERT INTO ${fts}(${fts}, rowid, ${list}) SELECT 'delete', old.rowid, ${old} WHERE ${indexed};
      INSERT OR IGNORE INTO ${pending}(row_id) VALUES (new.rowid); END`).execute(db);
  }
}

/** Indexes what is pending, then writes to FTS5 in the writing transaction again (as migration 0029 left it). */
export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  for (const table of MEMORY_TABLES) {
    const pending = `${table}_fts_pending`;
    const list = COLUMNS.join(', ');
    await sql.raw(`INSERT INTO ${table}_fts(rowid, ${list}) SELECT rowid, ${list} FROM ${table} WHERE rowid IN (SELECT row_id FROM ${pending})`).execute(db);
    await dropTriggers(db, `${table}_fts`);
    await sql.raw(`DROP TABLE ${pending}`).execute(db);
    await createSqliteTriggers(db, table, COLUMNS);
  }
}

async function dropTriggers(db: Kysely<any>, fts: string): Promise<void> {
  for (const suffix of ['ai', 'ad', 'au']) await sql.raw(`DROP TRIGGER IF EXISTS ${fts}_${suffix}`).execute(db);
}
