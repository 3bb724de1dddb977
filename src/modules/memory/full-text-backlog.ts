import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../../db/dialect.js';
import { MEMORY_TABLES } from '../../db/migrations/0023_memory_search.js';

/**
 * SQLite's FTS5 index of the memory tables is filled in batches (migration 0041): a write only notes its
 * row in `<table>_fts_pending`, and these index the pending rows. FTS5 writes a segment per transaction,
 * so 200 rows at once cost a fraction of ten 20-row transactions (an ingest batch: ~4.6 → ~2.9 ms of SQLite
 * at 100k items). Nothing to do on MariaDB and PostgreSQL, whose indexes follow every write themselves.
 */

/** Rows waiting that make an ingest index them in its own transaction: about ten batches of 20 turns. */
export const BACKLOG_LIMIT = 200;

const COLUMNS = 'search_terms, context_terms, scope_terms';

async function pendingRows(db: Kysely<any>): Promise<number> {
  const counts = MEMORY_TABLES.map((table) => sql`(select count(*) from ${sql.table(`${table}_fts_pending`)})`);
  const { rows } = await sql<{ n: number }>`select ${sql.join(counts, sql` + `)} as n`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Indexes every pending row with its values now, and clears the backlog; run inside a transaction. */
async function indexPending(trx: Kysely<any>): Promise<void> {
  for (const table of MEMORY_TABLES) {
    const pending = `${table}_fts_pending`;
    await sql.raw(`INSERT INTO ${table}_fts(rowid, ${COLUMNS}) SELECT rowid, ${COLUMNS} FROM ${table} WHERE rowid IN (SELECT row_id FROM ${pending})`).execute(trx);
    await sql.raw(`DELETE FROM ${pending}`).execute(trx);
  }
}

/** In a writing transaction (an ingest): indexes the backlog once BACKLOG_LIMIT rows are waiting. */
export async function indexBacklogWhenDue(trx: Kysely<any>): Promise<void> {
  if (dialectOf(trx) === 'sqlite' && (await pendingRows(trx)) >= BACKLOG_LIMIT) await indexPending(trx);
}

/** Before a full-text search: every row committed so far gets into the index, so the search misses none. */
export async function indexBacklog(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'sqlite' || !(await pendingRows(db))) return;
  await db.transaction().execute(indexPending);
}
