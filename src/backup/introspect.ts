import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../db/dialect.js';

export interface ColumnInfo {
  name: string;
  /** The declared type, lowercased: only its family matters (see values.ts). */
  type: string;
}

export interface TableInfo {
  name: string;
  /** Stored columns in declaration order; generated columns are left out (the target derives them). */
  columns: ColumnInfo[];
  /** Primary-key columns in key order; empty when the table has none. */
  primaryKey: string[];
  /** Foreign keys: the local column and the table it points at. */
  foreignKeys: { column: string; references: string }[];
}

/**
 * Tables the database derives or owns: the migrator's bookkeeping (the target gets its own by
 * migrating), SQLite internals, and the SQLite rows waiting for the full-text index (a restore's
 * inserts queue their own). FTS5 virtual and shadow tables are excluded by type below.
 */
const isDerivedTable = (name: string) => name.startsWith('kysely_migration') || name.startsWith('sqlite_') || name.endsWith('_fts_pending');

/**
 * Every data table of the database, found by introspection so tables added by later migrations
 * (or other branches) are covered without a list to maintain. Sorted by name for a stable order.
 */
export async function introspect(db: Kysely<any>): Promise<TableInfo[]> {
  const dialect = dialectOf(db);
  const tables = dialect === 'sqlite' ? await sqliteTables(db) : dialect === 'mysql' ? await mysqlTables(db) : await postgresTables(db);
  return tables.filter((t) => !isDerivedTable(t.name)).sort((a, b) => a.name.localeCompare(b.name));
}

async function sqliteTables(db: Kysely<any>): Promise<TableInfo[]> {
  // pragma table_list types FTS5 tables 'virtual' and their storage 'shadow': only plain tables hold our data.
  const names = (await sql<{ name: string }>`select name from pragma_table_list where schema = 'main' and type = 'table'`.execute(db)).rows;
  const out: TableInfo[] = [];
  for (const { name } of names) {
    // table_xinfo lists generated columns too, with hidden = 2 (virtual) or 3 (stored).
    const cols = (await sql<{ name: string; type: string; pk: number; hidden: number }>`select name, type, pk, hidden from pragma_table_xinfo(${name}) order by cid`.execute(db)).rows;
    const fks = (await sql<{ table: string; from: string }>`select "table", "from" from pragma_foreign_key_list(${name})`.execute(db)).rows;
    out.push({
      name,
      columns: cols.filter((c) => c.hidden === 0).map((c) => ({ name: c.name, type: c.type.toLowerCase() })),
      primaryKey: cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      foreignKeys: fks.map((f) => ({ column: f.from, references: f.table })),
    });
  }
  return out;
}

async function mysqlTables(db: Kysely<any>): Promise<TableInfo[]> {
  const tables = (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE'`.execute(db)).rows;
  const cols = (await sql<{ tbl: string; name: string; type: string; extra: string }>`
    select table_name as tbl, column_name as name, column_type as type, extra from information_schema.columns
    where table_schema = database() order by table_name, ordinal_position`.execute(db)).rows;
  const keys = (await sql<{ tbl: string; name: string; constraint_name: string; ref: string | null }>`
    select table_name as tbl, column_name as name, constraint_name, referenced_table_name as ref from information_schema.key_column_usage
    where table_schema = database() order by table_name, constraint_name, ordinal_position`.execute(db)).rows;
  return tables.map(({ name }) => ({
    name,
    // MariaDB marks generated columns 'VIRTUAL GENERATED' / 'STORED GENERATED' (or 'PERSISTENT').
    columns: cols.filter((c) => c.tbl === name && !/generated|persistent/i.test(c.extra ?? '')).map((c) => ({ name: c.name, type: String(c.type).toLowerCase() })),
    primaryKey: keys.filter((k) => k.tbl === name && k.constraint_name === 'PRIMARY').map((k) => k.name),
    foreignKeys: keys.filter((k) => k.tbl === name && k.ref).map((k) => ({ column: k.name, references: k.ref! })),
  }));
}

async function postgresTables(db: Kysely<any>): Promise<TableInfo[]> {
  const tables = (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)).rows;
  const cols = (await sql<{ tbl: string; name: string; type: string; is_generated: string }>`
    select table_name as tbl, column_name as name, data_type as type, is_generated from information_schema.columns
    where table_schema = current_schema() order by table_name, ordinal_position`.execute(db)).rows;
  const pks = (await sql<{ tbl: string; name: string }>`
    select tc.table_name as tbl, kcu.column_name as name from information_schema.table_constraints tc
    join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
    where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = current_schema() order by tc.table_name, kcu.ordinal_position`.execute(db)).rows;
  // pg_constraint rather than constraint_column_usage: the latter only lists tables the user owns.
  const fks = (await sql<{ tbl: string; name: string; ref: string }>`
    select c.conrelid::regclass::text as tbl, a.attname as name, c.confrelid::regclass::text as ref
    from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
    where c.contype = 'f' and c.connamespace = current_schema()::regnamespace`.execute(db)).rows;
  const bare = (n: string) => n.replace(/^.*\./, '').replace(/"/g, '');
  return tables.map(({ name }) => ({
    name,
    columns: cols.filter((c) => c.tbl === name && c.is_generated !== 'ALWAYS').map((c) => ({ name: c.name, type: c.type.toLowerCase() })),
    primaryKey: pks.filter((k) => k.tbl === name).map((k) => k.name),
    foreignKeys: fks.filter((k) => bare(k.tbl) === name).map((k) => ({ column: k.name, references: bare(k.ref) })),
  }));
}
