import { sql, type Kysely } from 'kysely';
import { dialectOf, types as t } from '../dialect.js';
import { MEMORY_TABLES } from './0023_memory_search.js';

/**
 * Recall at scale: the full-text index also holds each item's scope (`scope_terms`: a token for its
 * project, its client, or "global"), so one index lookup finds the items in scope that hold a query
 * term instead of every item in the database that does. With 100k items over 50 projects, a common
 * word matched ~80% of all rows before the project filter threw most of them away.
 * Also a (project_id, client_id) index: "global" items are `project_id is null and client_id is null`,
 * which neither single-column index answered without scanning every client-less row. It replaces
 * the project_id index (its first column serves every lookup that one did; one index less per insert).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  for (const table of MEMORY_TABLES) {
    await db.schema.alterTable(table).addColumn('scope_terms', t.string(200)).execute();
    // The same tokens `scopeTerms` in src/modules/memory/prepare.ts makes: ids lose their dashes so every tokenizer keeps one word.
    const concat = dialect === 'mysql'
      ? sql`nullif(concat_ws(' ', concat('pzq', replace(project_id, '-', '')), concat('czq', replace(client_id, '-', ''))), '')`
      : sql`nullif(trim(coalesce('pzq' || replace(project_id, '-', ''), '') || ' ' || coalesce('czq' || replace(client_id, '-', ''), '')), '')`;
    await sql`update ${sql.table(table)} set scope_terms = coalesce(${concat}, 'gzqglobal')`.execute(db);
    await db.schema.createIndex(`${table}_scope_idx`).on(table).columns(['project_id', 'client_id']).execute();
    await dropIndex(db, table, `${table}_project_id_idx`);
    if (dialect === 'sqlite') await rebuildSqliteIndex(db, table, ['search_terms', 'context_terms', 'scope_terms']);
    else if (dialect === 'mysql') {
      await sql.raw(`ALTER TABLE ${table} DROP INDEX ${table}_ft, ADD FULLTEXT INDEX ${table}_ft (search_terms, context_terms, scope_terms)`).execute(db);
    } else await rebuildPostgresVector(db, table, ['search_terms', 'context_terms', 'scope_terms']);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  for (const table of MEMORY_TABLES) {
    if (dialect === 'sqlite') await rebuildSqliteIndex(db, table, ['search_terms', 'context_terms']);
    else if (dialect === 'mysql') {
      await sql.raw(`ALTER TABLE ${table} DROP INDEX ${table}_ft, ADD FULLTEXT INDEX ${table}_ft (search_terms, context_terms)`).execute(db);
    } else await rebuildPostgresVector(db, table, ['search_terms', 'context_terms']);
    await db.schema.createIndex(`${table}_project_id_idx`).on(table).column('project_id').execute();
    await dropIndex(db, table, `${table}_scope_idx`);
    await db.schema.alterTable(table).dropColumn('scope_terms').execute();
  }
}

/** MariaDB names the table an index is dropped from; the others refuse to. */
async function dropIndex(db: Kysely<any>, table: string, index: string): Promise<void> {
  const drop = db.schema.dropIndex(index);
  await (dialectOf(db) === 'mysql' ? drop.on(table) : drop).execute();
}

/** Drops and recreates the FTS5 external-content table and its triggers over `columns`, then fills it. */
async function rebuildSqliteIndex(db: Kysely<any>, table: string, columns: string[]): Promise<void> {
  const fts = `${table}_fts`;
  for (const suffix of ['ai', 'ad', 'au']) await sql.raw(`DROP TRIGGER IF EXISTS ${fts}_${suffix}`).execute(db);
  await sql.raw(`DROP TABLE IF EXISTS ${fts}`).execute(db);
  const list = columns.join(', ');
  await sql.raw(`CREATE VIRTUAL TABLE ${fts} USING fts5(${list}, content='${table}', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')`).execute(db);
  await createSqliteTriggers(db, table, columns);
  await sql.raw(`INSERT INTO ${fts}(${fts}) VALUES ('rebuild')`).execute(db);
}

/** The triggers that keep the FTS5 index of `table` over `columns` in step with every write, in its transaction. */
export async function createSqliteTriggers(db: Kysely<any>, table: string, columns: string[]): Promise<void> {
  const fts = `${table}_fts`;
  const list = columns.join(', ');
  const values = (row: string) => columns.map((c) => `${row}.${c}`).join(', ');
  await sql.raw(`CREATE TRIGGER ${fts}_ai AFTER INSERT ON ${table} BEGIN
    INSERT INTO ${fts}(rowid, ${list}) VALUES (new.rowid, ${values('new')}); END`).execute(db);
  await sql.raw(`CREATE TRIGGER ${fts}_ad AFTER DELETE ON ${table} BEGIN
    INSERT INTO ${fts}(${fts}, rowid, ${list}) VALUES ('delete', old.rowid, ${values('old')}); END`).execute(db);
  await sql.raw(`CREATE TRIGGER ${fts}_au AFTER UPDATE OF ${list} ON ${table} BEGIN
    INSERT INTO ${fts}(${fts}, rowid, ${list}) VALUES ('delete', old.rowid, ${values('old')});
    INSERT INTO ${fts}(rowid, ${list}) VALUES (new.rowid, ${values('new')}); END`).execute(db);
}

/** Replaces the stored tsvector (and its GIN index) with one over `columns`. */
async function rebuildPostgresVector(db: Kysely<any>, table: string, columns: string[]): Promise<void> {
  await sql.raw(`DROP INDEX IF EXISTS ${table}_fts_idx`).execute(db);
  await sql.raw(`ALTER TABLE ${table} DROP COLUMN search_vector`).execute(db);
  const text = columns.map((c) => `coalesce(${c}, '')`).join(` || ' ' || `);
  await sql.raw(`ALTER TABLE ${table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, ${text})) STORED`).execute(db);
  await sql.raw(`CREATE INDEX ${table}_fts_idx ON ${table} USING gin (search_vector)`).execute(db);
}
