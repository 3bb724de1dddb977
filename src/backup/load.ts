import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import { introspect, type TableInfo } from './introspect.js';
import { assertMasterKeyMatches, runLoadChecks } from './master-key-check.js';
import type { BackupRecord, Manifest } from './records.js';
import { countRows } from './snapshot.js';
import { deferredColumns, insertOrder } from './table-order.js';
import { prepareTarget, type TargetOptions } from './target.js';
import { fromPortable } from './values.js';

export interface LoadOptions extends TargetOptions {
  onProgress?: (p: { table: string; rows: number; total: number }) => void;
}

export interface LoadResult {
  manifest: Manifest;
  /** Rows per table in the target after the load, counted inside the transaction. */
  tables: Record<string, number>;
}

/** Bind parameters per statement: under SQLite's 32766 and the 65535 of MariaDB and PostgreSQL. */
const MAX_PARAMS = 30_000;
/** Text per statement: well under MariaDB's default max_allowed_packet (16 MiB), whatever the row sizes. */
const MAX_STATEMENT_CHARS = 4 * 1024 * 1024;

/** Rows cut into multi-row INSERTs bounded by row count and by the text they carry. */
function* statementSlices(rows: unknown[][], maxRows: number): Generator<unknown[][]> {
  let start = 0, chars = 0;
  for (let i = 0; i < rows.length; i++) {
    const size = rows[i].reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 8), 0);
    if (i > start && (i - start >= maxRows || chars + size > MAX_STATEMENT_CHARS)) {
      yield rows.slice(start, i);
      start = i;
      chars = 0;
    }
    chars += size;
  }
  if (start < rows.length) yield rows.slice(start);
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
    const deferred = deferredColumns([...tables.values()], fileOrder);
    const pending: DeferredUpdate[] = [];
    await consume(trx, { next: () => it.next() }, tables, deferred, pending, manifest, opts);
    for (const u of pending) await trx.updateTable(u.table).set(u.values).where((eb) => eb.and(Object.entries(u.key).map(([k, v]) => eb(k, '=', v)))).execute();
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

interface DeferredUpdate { table: string; key: Record<string, unknown>; values: Record<string, unknown> }

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

async function consume(
  trx: Transaction<any>, it: { next(): Promise<IteratorResult<BackupRecord>> }, tables: Map<string, TableInfo>,
  deferred: Map<string, string[]>, pending: DeferredUpdate[], manifest: Manifest, opts: LoadOptions,
): Promise<void> {
  let current: { table: TableInfo; columns: string[]; later: Set<string>; perInsert: number; rows: number } | null = null;
  for (;;) {
    const { value: record, done } = await it.next();
    if (done) throw new Error('truncated backup: the payload ends before its last table');
    if (record.kind === 'done') return;
    if (record.kind === 'table') {
      const table = tables.get(record.table);
      if (!table) throw new Error(`the target has no table ${record.table}`);
      const known = new Set(table.columns.map((c) => c.name));
      const missing = record.columns.filter((c) => !known.has(c));
      if (missing.length) throw new Error(`the target's ${record.table} lacks columns ${missing.join(', ')}: schema mismatch`);
      current = { table, columns: record.columns, later: new Set(deferred.get(record.table) ?? []), perInsert: Math.max(1, Math.min(1000, Math.floor(MAX_PARAMS / record.columns.length))), rows: 0 };
    } else if (record.kind === 'rows') {
      if (!current) throw new Error('corrupt backup: rows before their table');
      for (const slice of statementSlices(record.rows, current.perInsert)) {
        await trx.insertInto(current.table.name).values(slice.map((row) => toObject(current!, row, pending))).execute();
      }
      current.rows += record.rows.length;
      opts.onProgress?.({ table: current.table.name, rows: current.rows, total: manifest.tables[current.table.name] ?? 0 });
    } else if (record.kind === 'end') {
      if (!current || current.rows !== record.rows) throw new Error(`corrupt backup: ${record.table} ends after ${current?.rows ?? 0} rows, expected ${record.rows}`);
      current = null;
    } else throw new Error('corrupt backup: a second manifest');
  }
}

/** One row as an object; columns that must wait for later rows go in null and into `pending`. */
function toObject(cur: { table: TableInfo; columns: string[]; later: Set<string> }, row: unknown[], pending: DeferredUpdate[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let later: Record<string, unknown> | null = null;
  cur.columns.forEach((c, i) => {
    const v = fromPortable(row[i]);
    if (cur.later.has(c) && v !== null) {
      (later ??= {})[c] = v;
      out[c] = null;
    } else out[c] = v;
  });
  if (later && !cur.table.primaryKey.length) throw new Error(`${cur.table.name} has a self-reference but no primary key: cannot restore it`);
  if (later) pending.push({ table: cur.table.name, key: Object.fromEntries(cur.table.primaryKey.map((k) => [k, out[k]])), values: later });
  return out;
}
