import type { ExpressionBuilder, Expression, Kysely, SqlBool } from 'kysely';
import { entityByTable, type Entity } from './define-entity.js';

/**
 * Client scoping through references: a service is scoped by its infrastructure's client, a service
 * relationship by its service's. Rows tied to no client are visible to every role that may read.
 */
export function scopeCondition(eb: ExpressionBuilder<any, any>, entity: Entity, clientIds: string[]): Expression<SqlBool> {
  const scope = entity.clientScope!;
  if (typeof scope === 'string') {
    return clientIds.length ? eb.or([eb(scope, 'in', clientIds), eb(scope, 'is', null)]) : eb(scope, 'is', null);
  }
  const parent = parentOf(entity, scope.via);
  return eb.or([
    eb(scope.via, 'is', null),
    eb(scope.via, 'in', eb.selectFrom(parent.table).select('id').where((inner) => scopeCondition(inner, parent, clientIds))),
  ]);
}

/** Rows that belong to this one client (following `via` references); rows tied to no client do not. */
export function ofClientCondition(eb: ExpressionBuilder<any, any>, entity: Entity, clientId: string): Expression<SqlBool> {
  const scope = entity.clientScope!;
  if (typeof scope === 'string') return eb(scope, '=', clientId);
  const parent = parentOf(entity, scope.via);
  return eb(scope.via, 'in', eb.selectFrom(parent.table).select('id').where((inner) => ofClientCondition(inner, parent, clientId)));
}

/** The client a stored row belongs to (following `via` references), or null for none. */
export async function clientIdOf(db: Kysely<any>, entity: Entity, row: Record<string, unknown>): Promise<string | null> {
  const scope = entity.clientScope;
  if (!scope) return null;
  if (typeof scope === 'string') return (row[scope] as string | null) ?? null;
  const parentId = row[scope.via];
  if (parentId == null) return null;
  const parent = parentOf(entity, scope.via);
  const parentRow = await db.selectFrom(parent.table).selectAll().where('id', '=', parentId).executeTakeFirst();
  return parentRow ? clientIdOf(db, parent, parentRow) : null;
}

function parentOf(entity: Entity, field: string): Entity {
  const ref = entity.refs.find((r) => r.field === field);
  const parent = ref && entityByTable(ref.table);
  if (!parent) throw new Error(`${entity.table}.${field}: clientScope via a field that references no declared entity`);
  return parent;
}
