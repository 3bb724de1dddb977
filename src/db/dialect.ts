import { type Kysely, MysqlAdapter, PostgresAdapter, SqliteAdapter, sql, type ColumnDataType, type Expression, type SelectQueryBuilder } from 'kysely';
import type { Dialect } from './url.js';

/**
 * The portable storage forms, one place:
 * - timestamps: UTC ISO-8601 strings with milliseconds (`2026-01-01T00:00:00.000Z`), in a varchar(24);
 *   they sort and compare correctly as text on all three databases.
 * - booleans: smallint 0/1. JSON: text, encoded and decoded by the entity codecs.
 * - ids: char(36) uuidv7 generated in the app.
 */
export function dialectOf(db: Kysely<any>): Dialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof MysqlAdapter) return 'mysql';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new Error('unknown database adapter');
}

/**
 * Row locks for a SELECT inside a transaction, for `.$call(rowLock(trx))`: `FOR UPDATE` (or a shared lock:
 * `FOR SHARE` on PostgreSQL, `LOCK IN SHARE MODE` on MariaDB). SQLite gets none: its write transactions
 * are serialized already.
 */
export const rowLock = (db: Kysely<any>, mode: 'update' | 'share' = 'update') =>
  <QB extends SelectQueryBuilder<any, any, any>>(q: QB): QB => {
    const dialect = dialectOf(db);
    if (dialect === 'sqlite') return q;
    if (mode === 'update') return q.forUpdate() as QB;
    return (dialect === 'postgres' ? q.forShare() : q.modifyEnd(sql`lock in share mode`)) as QB;
  };

export const types = {
  id: 'char(36)' as ColumnDataType,
  timestamp: 'varchar(24)' as ColumnDataType,
  bool: 'smallint' as ColumnDataType,
  string: (max: number) => `varchar(${max})` as ColumnDataType,
  /** Unbounded text; MariaDB's TEXT stops at 64 KiB, so it gets MEDIUMTEXT there. */
  text: (db: Kysely<any>): ColumnDataType | Expression<unknown> => (dialectOf(db) === 'mysql' ? sql`mediumtext` : 'text'),
  json: (db: Kysely<any>): ColumnDataType | Expression<unknown> => (dialectOf(db) === 'mysql' ? sql`mediumtext` : 'text'),
  int: 'integer' as ColumnDataType,
  bigint: 'bigint' as ColumnDataType,
  decimal: 'decimal(12, 2)' as ColumnDataType,
  double: 'double precision' as ColumnDataType,
};

/** Encodes a JS value for a storage column: booleans as 0/1, objects as JSON text. */
export const toDbBool = (v: boolean | null | undefined) => (v == null ? v : v ? 1 : 0);
export const fromDbBool = (v: unknown) => (v == null ? null : v === true || Number(v) === 1);

/** Recognizes unique and foreign-key violations from any of the three drivers. */
export function constraintViolation(err: unknown): { kind: 'unique' | 'foreign_key'; detail: string } | null {
  const e = err as { code?: string | number; errno?: number; message?: string; constraint?: string; detail?: string };
  const msg = String(e?.message ?? '');
  if (e?.code === '23505' || e?.code === 'ER_DUP_ENTRY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return { kind: 'unique', detail: e.constraint ?? msg };
  }
  if (e?.code === '23503' || e?.code === 'ER_ROW_IS_REFERENCED_2' || e?.code === 'ER_NO_REFERENCED_ROW_2' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return { kind: 'foreign_key', detail: e.constraint ?? msg };
  }
  return null;
}
