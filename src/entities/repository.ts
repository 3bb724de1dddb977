import { sql, type CompiledQuery, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { dialectOf } from '../db/dialect.js';
import type { Entity } from './define-entity.js';
import { ofClientCondition, scopeCondition } from './scope.js';

/**
 * The generic repository: plain functions taking `db` first. Rows come back as stored
 * (entity.decode turns them into API values). Sort and filter names reach SQL only after the
 * list-query schema allowlisted them, and are passed as identifiers, never spliced as text.
 */
export interface ListParams {
  limit: number;
  offset: number;
  sort?: string;
  q?: string;
  filters: Record<string, unknown>;
  /** Restrict to rows whose client column is in this list (null/undefined: no restriction). */
  clientIds?: string[] | null;
  where?: ListWhere;
  /** A further condition a service adds (a range filter, per-row grants). */
  condition?: (eb: ExpressionBuilder<any, any>) => Expression<SqlBool>;
}

/**
 * Conditions server code adds to a list (never a query string: the REST list schema has no way to set
 * them), so set-based reads stay one query through the same service and scoping.
 */
export interface ListWhere {
  /** Only rows with one of these ids (an empty list: none). */
  ids?: readonly string[];
  /** Only rows belonging to this client, following the entity's clientScope (e.g. services through their host). */
  ofClient?: string;
  /** Filter fields matched ignoring case (e.g. a short code typed in lowercase); only the entity's list filters. */
  caseless?: Record<string, string>;
}

export async function findById(db: Kysely<any>, entity: Entity, id: string): Promise<Record<string, unknown> | undefined> {
  return selectById(db, entity.table, id);
}

const byIdQueries = new Map<string, CompiledQuery>();

/**
 * A row by id runs on nearly every request (the get itself, scope and reference checks), so its SQL is
 * built and compiled once per dialect and table; each call only supplies the id.
 */
async function selectById(db: Kysely<any>, table: string, id: string): Promise<Record<string, unknown> | undefined> {
  const key = `${dialectOf(db)} ${table}`;
  let compiled = byIdQueries.get(key);
  if (!compiled) {
    compiled = db.selectFrom(table).selectAll().where('id', '=', id).compile();
    byIdQueries.set(key, compiled);
  }
  const { rows } = await db.executeQuery<Record<string, unknown>>({ ...compiled, parameters: [id] });
  return rows[0];
}

export async function findPage(db: Kysely<any>, entity: Entity, p: ListParams) {
  let query = db.selectFrom(entity.table);
  for (const [field, value] of Object.entries(p.filters)) {
    if (value !== undefined) query = query.where(field, '=', entity.encode({ [field]: value })[field]);
  }
  if (p.q && entity.list.search.length) {
    const pattern = `%${p.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const escape = dialectOf(db) === 'mysql' ? sql`'\\\\'` : sql`'\\'`;
    query = query.where((eb) => eb.or(entity.list.search.map((col) =>
      eb(sql`lower(${sql.ref(col)})`, 'like', sql`${pattern} escape ${escape}`))));
  }
  const where = p.where ?? {};
  if (where.ids) {
    const ids = [...where.ids];
    query = ids.length ? query.where('id', 'in', ids) : query.where(sql<boolean>`1 = 0`);
  }
  if (where.ofClient !== undefined) {
    if (!entity.clientScope) throw new Error(`${entity.table}: ofClient needs a clientScope`);
    const clientId = where.ofClient;
    query = query.where((eb) => ofClientCondition(eb, entity, clientId));
  }
  for (const [field, value] of Object.entries(where.caseless ?? {})) {
    if (!entity.list.filter.includes(field)) throw new Error(`${entity.table}.${field}: caseless matching is only for list filters`);
    query = query.where(sql`lower(${sql.ref(field)})`, '=', value.toLowerCase());
  }
  if (p.clientIds && entity.clientScope) {
    const ids = p.clientIds;
    query = query.where((eb) => scopeCondition(eb, entity, ids));
  }
  if (p.condition) query = query.where(p.condition);
  const sort = p.sort ?? entity.list.defaultSort;
  const desc = sort.startsWith('-');
  const column = desc ? sort.slice(1) : sort;
  const rows = await query.selectAll()
    .orderBy(column, desc ? 'desc' : 'asc').orderBy('id', desc ? 'desc' : 'asc')
    .limit(p.limit).offset(p.offset).execute();
  const total = totalFromPage(rows.length, p) ?? Number((await query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirst())?.total ?? 0);
  return { rows, total };
}

/**
 * A page that holds some rows but fewer than the limit is the last one, so it tells the total itself:
 * most lists fit one page, and counting a large table costs more than reading the page.
 * A full page, or an empty one past the end, needs the count.
 */
function totalFromPage(rowCount: number, p: { limit: number; offset: number }): number | null {
  if (rowCount >= p.limit) return null;
  if (rowCount > 0 || p.offset === 0) return p.offset + rowCount;
  return null;
}

export async function insertRow(db: Kysely<any>, entity: Entity, values: Record<string, unknown>): Promise<void> {
  await db.insertInto(entity.table).values(entity.encode(values)).execute();
}

export async function updateRow(db: Kysely<any>, entity: Entity, id: string, values: Record<string, unknown>): Promise<void> {
  await db.updateTable(entity.table).set(entity.encode(values)).where('id', '=', id).execute();
}

export async function deleteRow(db: Kysely<any>, entity: Entity, id: string): Promise<void> {
  await db.deleteFrom(entity.table).where('id', '=', id).execute();
}

export async function exists(db: Kysely<any>, table: string, id: string): Promise<Record<string, unknown> | undefined> {
  return selectById(db, table, id);
}

export async function countWhere(db: Kysely<any>, table: string, column: string, value: unknown): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where(column, '=', value).executeTakeFirst();
  return Number(row?.n ?? 0);
}
