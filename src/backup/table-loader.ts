import type { Transaction } from 'kysely';
import type { TableInfo } from './introspect.js';
import type { ProgressFn } from './progress.js';
import type { BackupRecord, Manifest } from './records.js';
import { fromPortable } from './values.js';

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

export interface LoadContext {
  /** The target's tables by name. */
  tables: Map<string, TableInfo>;
  /** Per table, the foreign-key columns to insert null and fill in at the end (table-order.ts). */
  deferred: Map<string, string[]>;
  manifest: Manifest;
  onProgress?: ProgressFn;
}

interface DeferredUpdate { table: string; key: Record<string, unknown>; values: Record<string, unknown> }

/**
 * Inserts the payload's tables, in its order, in multi-row INSERTs, checking each table's row count
 * against its end record; then fills in the deferred self-references. Only the rows holding such a
 * reference are remembered (by key), so memory grows with those, not with the tables.
 */
export async function loadTables(trx: Transaction<any>, it: { next(): Promise<IteratorResult<BackupRecord>> }, ctx: LoadContext): Promise<void> {
  const pending: DeferredUpdate[] = [];
  await insertAll(trx, it, ctx, pending);
  for (const u of pending) await trx.updateTable(u.table).set(u.values).where((eb) => eb.and(Object.entries(u.key).map(([k, v]) => eb(k, '=', v)))).execute();
}

async function insertAll(trx: Transaction<any>, it: { next(): Promise<IteratorResult<BackupRecord>> }, { tables, deferred, manifest, onProgress }: LoadContext, pending: DeferredUpdate[]): Promise<void> {
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
      onProgress?.({ table: current.table.name, rows: current.rows, total: manifest.tables[current.table.name] ?? 0 });
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
