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
  /** The archive being restored, to record its own backup as done (see markOwnBackupDone). */
  archive?: { sha256: string; size: number };
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
    if (opts.archive) await markOwnBackupDone(trx, manifest, opts.archive);
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
 * The backup that made an archive logs itself in_progress before its snapshot starts, so the archive
 * holds that row unfinished. An archive that restores is proof the backup succeeded: record it as the
 * source did (success, sha256, size), rather than leave a restored database listing a backup forever running.
 */
async function markOwnBackupDone(trx: Transaction<any>, manifest: Manifest, archive: { sha256: string; size: number }): Promise<void> {
  if (!manifest.backup_log_id || !('backup_logs' in manifest.tables)) return;
  await trx.updateTable('backup_logs').set({ status: 'success', sha256: archive.sha256, size_bytes: archive.size, schema_version: manifest.schema_version, completed_at: manifest.created_at, updated_at: manifest.created_at })
    .where('id', '=', manifest.backup_log_id).where('status', '=', 'in_progress').execute();
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

