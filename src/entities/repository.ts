import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { dialectOf } from '../db/dialect.js';
import type { Entity } from './define-entity.js';
import { scopeCondition } from './scope.js';

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
  /** A further condition a service adds (a range filter, per-row grants). */
  where?: (eb: ExpressionBuilder<any, any>) => Expression<SqlBool>;
}

export async function findById(db: Kysely<any>, entity: Entity, id: string): Promise<Record<string, unknown> | undefined> {
  return db.selectFrom(entity.table).selectAll().where('id', '=', id).executeTakeFirst();
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
  if (p.clientIds && entity.clientScope) {
    const ids = p.clientIds;
    query = query.where((eb) => scopeCondition(eb, entity, ids));
  }
  if (p.where) query = query.where(p.where);
  const countRow = await query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirst();
  const sort = p.sort ?? entity.list.defaultSort;
  const desc = sort.startsWith('-');
  const column = desc ? sort.slice(1) : sort;
  const rows = await query.selectAll()
    .orderBy(column, desc ? 'desc' : 'asc').orderBy('id', desc ? 'desc' : 'asc')
    .limit(p.limit).offset(p.offset).execute();
  return { rows, total: Number(countRow?.total ?? 0) };
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
  return db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countWhere(db: Kysely<any>, table: string, column: string, value: unknown): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where(column, '=', value).executeTakeFirst();
  return Number(row?.n ?? 0);
}
