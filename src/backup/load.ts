import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import { introspect, type TableInfo } from './introspect.js';
import { assertMasterKeyMatches, runLoadChecks } from './master-key-check.js';
import type { ProgressFn } from './progress.js';
import type { BackupRecord, Manifest } from './records.js';
import { countRows } from './snapshot.js';
import { loadTables } from './table-loader.js';
import { deferredColumns, insertOrder } from './table-order.js';
import { prepareTarget, type TargetOptions } from './target.js';

export interface LoadOptions extends TargetOptions {
  onProgress?: ProgressFn;
}

export interface LoadResult {
  manifest: Manifest;
  /** Rows per table in the target after the load, counted inside the transaction. */
  tables: Record<string, number>;
}

/**
 * Replaces the target's rows with the payload's, in one transaction on every dialect (MariaDB's
 * row changes are transactional; only its DDL is not, and there is none here), so a failure at any
 * point (a corrupt chunk near the end, a killed process, a row the target refuses) leaves the
 * target as it was. Checks before touching anything: the manifest, the master key, the schema version.
 */
export async function loadRecords(target: Db, records: AsyncIterable<BackupRecord>, opts: LoadOptions = {}): Promise<LoadResult> {
  const it = records[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done || first.value.kind !== 'manifest') throw new Error('corrupt backup: it does not start with a manifest');
  const manifest = first.value.manifest;
  assertMasterKeyMatches(manifest.master_key_check);
  await prepareTarget(target, manifest, opts);

  const restoreCache = await widenSqliteCache(target);
  const trx = await target.db.startTransaction().execute();
  try {
    const tables = new Map((await introspect(trx)).map((t) => [t.name, t]));
    const fileOrder = Object.keys(manifest.tables);
    for (const name of fileOrder) if (!tables.has(name)) throw new Error(`the target has no table ${name}: is it at schema ${manifest.schema_version}?`);
    await clearTables(trx, [...tables.values()], target.dialect);
    await loadTables(trx, { next: () => it.next() }, { tables, deferred: deferredColumns([...tables.values()], fileOrder), manifest, onProgress: opts.onProgress });
    const counts: Record<string, number> = {};
    for (const name of fileOrder) {
      counts[name] = await countRows(trx, name);
      if (counts[name] !== manifest.tables[name]) throw new Error(`restore check failed: ${name} has ${counts[name]} rows, the manifest says ${manifest.tables[name]}`);
    }
    await runLoadChecks(trx);
    await trx.commit().execute();
    return { manifest, tables: counts };
  } catch (e) {
    await trx.rollback().execute().catch(() => {});
    throw e;
  } finally {
    await restoreCache();
  }
}

/**
 * SQLite's default page cache is 2 MiB: a million-row load then spills every index page to the WAL
 * and reads it back (three times slower). 64 MiB for the load only, the previous size afterwards.
 */
async function widenSqliteCache(target: Db): Promise<() => Promise<void>> {
  if (target.dialect !== 'sqlite') return async () => {};
  const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(target.db);
  await sql`pragma cache_size = -65536`.execute(target.db);
  return async () => { await sql.raw(`pragma cache_size = ${Number(rows[0].cache_size)}`).execute(target.db); };
}

/**
 * Children before parents. On MariaDB self-references are nulled first: InnoDB checks each row as it
 * goes and stops cascading after 15 levels, where SQLite and PostgreSQL check at the statement's end.
 */
async function clearTables(trx: Transaction<any>, tables: TableInfo[], dialect: Db['dialect']): Promise<void> {
  const order = insertOrder(tables);
  if (dialect === 'mysql') {
    for (const [table, cols] of deferredColumns(tables, order)) await trx.updateTable(table).set(Object.fromEntries(cols.map((c) => [c, null]))).execute();
  }
  for (const name of [...order].reverse()) await trx.deleteFrom(name).execute();
}

