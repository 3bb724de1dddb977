import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { RequestContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Page } from '../core/pagination.js';
import { constraintViolation } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import type { AuditService } from '../modules/audit/service.js';
import { entityByTable, referencesTo, withDefaults, type Entity, type RowOf } from './define-entity.js';
import { clientIdOf } from './scope.js';
import type { Fields } from './fields.js';
import { assertAccess, clientLimit, inClientScope } from './policy.js';
import * as repo from './repository.js';

import type { MemoryIndex } from '../modules/memory/memory-index.js';

export interface CrudDeps {
  db: Kysely<Database>;
  audit: AuditService;
  clock: Clock;
  /** The in-memory copy of the recallable items, told about every committed write to them (none in tools that never recall). */
  memoryIndex?: MemoryIndex;
}

/** Rules an entity adds around the generic CRUD; each may reshape values or throw an AppError. */
export interface CrudHooks {
  beforeCreate?(values: Record<string, unknown>, ctx: RequestContext, trx: Kysely<Database>): Promise<Record<string, unknown>> | Record<string, unknown>;
  beforeUpdate?(patch: Record<string, unknown>, current: Record<string, unknown>, ctx: RequestContext, trx: Kysely<Database>): Promise<Record<string, unknown>> | Record<string, unknown>;
  beforeDelete?(current: Record<string, unknown>, ctx: RequestContext, trx: Kysely<Database>): Promise<void> | void;
  /** Runs in the same transaction once a row is created or updated (e.g. to keep a search index in step). */
  afterWrite?(row: Record<string, unknown>, ctx: RequestContext, trx: Kysely<Database>): Promise<void> | void;
  /** Runs once the create, update or delete of row `id` is committed (e.g. to refresh a cache other readers share). */
  afterCommit?(id: string, action: 'create' | 'update' | 'delete'): void;
}

export interface CrudSchemas {
  /** Body schemas when they differ from the entity's (users take a password that is not a column). */
  create?: z.ZodObject;
  update?: z.ZodObject;
}

export interface CrudService<F extends Fields = Fields> {
  entity: Entity<F>;
  createSchema: z.ZodObject;
  updateSchema: z.ZodObject;
  /** A page as the REST list gives it (`query` already parsed by the list schema); `where` adds server-side conditions. */
  list(ctx: RequestContext, query: Record<string, unknown>, where?: repo.ListWhere): Promise<Page<RowOf<F>>>;
  get(ctx: RequestContext, id: string): Promise<RowOf<F>>;
  create(ctx: RequestContext, input: Record<string, unknown>): Promise<RowOf<F>>;
  update(ctx: RequestContext, id: string, patch: Record<string, unknown>): Promise<RowOf<F>>;
  remove(ctx: RequestContext, id: string): Promise<void>;
}

/**
 * Services validate their own input with the same schema the route uses, so the CLI and MCP
 * get the same rules (and normalization, e.g. lowercase emails) as HTTP.
 */
export function parseInput(schema: z.ZodObject, input: Record<string, unknown>): Record<string, unknown> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw AppError.validation(result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code })));
  }
  return result.data as Record<string, unknown>;
}

/** Declared date pairs must be in order once both are set (a due date before the start is a typo). */
function checkOrder(entity: Entity, row: Record<string, unknown>): void {
  const errors = entity.ordered
    .filter(([a, b]) => row[a] != null && row[b] != null && String(row[a]) > String(row[b]))
    .map(([a, b]) => ({ path: b, message: `must not be before ${a}`, code: 'out_of_order' }));
  if (errors.length) throw AppError.validation(errors);
}

/**
 * Every reference must exist and be visible to the actor (out of scope reads as unknown: 422),
 * and a referenced row that belongs to a client must belong to this row's client.
 * Exported for services that write an entity without the generic CRUD (credentials).
 */
export async function checkReferences(entity: Entity, ctx: RequestContext, trx: Kysely<any>, values: Record<string, unknown>): Promise<void> {
  const ownClientColumn = ownClientColumnOf(entity);
  for (const ref of entity.refs) {
    const id = values[ref.field];
    if (id == null) continue;
    const target = await repo.exists(trx, ref.table, String(id));
    const targetEntity = entityByTable(ref.table);
    const targetClient = target && targetEntity?.clientScope ? await clientIdOf(trx, targetEntity, target) : null;
    if (!target || !inClientScope(ctx, targetClient)) throw AppError.unknownReference(ref.field, ref.table, String(id));
    const ownClient = ownClientColumn ? values[ownClientColumn] : null;
    if (ref.field !== ownClientColumn && ownClient != null && targetClient != null && targetClient !== ownClient) {
      throw AppError.unprocessable(`${ref.field} belongs to another client`, [
        { path: ref.field, message: `the ${targetEntity!.name} belongs to another client than ${ownClientColumn}`, code: 'client_mismatch' },
      ], 'client_mismatch');
    }
  }
}

/**
 * A row that names a client-owned parent (a task's project, a session's project) but no client of its own
 * takes the parent's client. Left null it would read as global, visible to technicians of every client.
 */
export async function inheritClient(entity: Entity, trx: Kysely<any>, values: Record<string, unknown>): Promise<Record<string, unknown>> {
  const own = ownClientColumnOf(entity);
  if (!own || values[own] != null) return values;
  for (const ref of entity.refs) {
    const id = values[ref.field];
    const target = entityByTable(ref.table);
    if (ref.field === own || id == null || !target?.clientScope) continue;
    const row = await repo.exists(trx, ref.table, String(id));
    const clientId = row ? await clientIdOf(trx, target, row) : null;
    if (clientId != null) return { ...values, [own]: clientId };
  }
  return values;
}

const ownClientColumnOf = (entity: Entity) =>
  typeof entity.clientScope === 'string' && entity.clientScope !== 'id' ? entity.clientScope : null;

const isEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The generic service behind every declared entity: role and client-scope policy (out of scope is 404),
 * reference checks (unknown id -> 422 naming the field), restrict checks on delete (409 naming the holder),
 * and one audit row per mutation in the same transaction as the mutation.
 */
export function createCrudService<F extends Fields>(entity: Entity<F>, deps: CrudDeps, hooks: CrudHooks = {}, schemas: CrudSchemas = {}): CrudService<F> {
  const createSchema = schemas.create ?? entity.schemas.create;
  const updateSchema = schemas.update ?? entity.schemas.update;
  const { db, audit, clock } = deps;

  async function load(ctx: RequestContext, id: string, trx: Kysely<any> = db) {
    const row = await repo.findById(trx, entity, id);
    if (!row || (entity.clientScope && !inClientScope(ctx, await clientIdOf(trx, entity, row)))) throw AppError.notFound(entity.name, id);
    return row;
  }

  async function checkRestrictions(trx: Kysely<any>, id: string) {
    for (const ref of referencesTo(entity.table).filter((r) => r.onDelete === 'restrict')) {
      const n = await repo.countWhere(trx, ref.entity.table, ref.field, id);
      if (n > 0) {
        throw AppError.conflict(`This ${entity.name} is still referenced by ${n} ${n === 1 ? ref.entity.name : ref.entity.plural} (${ref.field})`,
          'still_referenced', [{ path: ref.entity.table, message: `${n} rows reference it through ${ref.field}` }]);
      }
    }
  }

  /** Turns a unique-constraint clash into a 409 naming the declared unique columns. */
  async function write<T>(action: 'create' | 'update' | 'delete', id: string | undefined, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    try {
      const result = await db.transaction().execute(fn);
      hooks.afterCommit?.(id ?? String((result as { id: unknown }).id), action);
      return result;
    } catch (err) {
      const violation = constraintViolation(err);
      if (violation?.kind === 'unique') {
        const columns = entity.unique.flat();
        throw AppError.conflict(`A ${entity.name} with the same ${columns.join(', ') || 'values'} already exists`, 'already_exists',
          columns.map((c) => ({ path: c, message: 'must be unique' })));
      }
      if (violation?.kind === 'foreign_key') throw AppError.conflict(`This ${entity.name} is referenced by other rows`, 'still_referenced');
      throw err;
    }
  }

  return {
    entity,
    createSchema,
    updateSchema,

    async list(ctx, query, where) {
      assertAccess(ctx, entity.access.read, false);
      const { limit, offset, sort, q, ...filters } = query as Record<string, any>;
      const { rows, total } = await repo.findPage(db, entity, { limit, offset, sort, q, filters, clientIds: clientLimit(ctx), where });
      return { items: rows.map((r) => entity.decode(r)), total, limit, offset };
    },

    async get(ctx, id) {
      assertAccess(ctx, entity.access.read, false);
      return entity.decode(await load(ctx, id));
    },

    async create(ctx, input) {
      assertAccess(ctx, entity.access.write, true);
      // A technician limited to some clients cannot add a client: it would fall outside their own scope.
      if (entity.clientScope === 'id' && clientLimit(ctx) !== null) throw AppError.forbidden(`Only admins and unscoped technicians add ${entity.plural}`);
      return write('create', undefined, async (trx) => {
        const now = clock.now().toISOString();
        let values = withDefaults(entity, parseInput(createSchema, input));
        if (hooks.beforeCreate) values = await hooks.beforeCreate(values, ctx, trx);
        values = await inheritClient(entity, trx, values);
        await checkReferences(entity, ctx, trx, values);
        checkOrder(entity, values);
        const row = { id: newId(), ...values, created_at: now, updated_at: now };
        await repo.insertRow(trx, entity, row);
        const created = entity.decode((await repo.findById(trx, entity, row.id))!);
        if (hooks.afterWrite) await hooks.afterWrite(created as Record<string, unknown>, ctx, trx);
        await audit.record(trx, ctx, { action: 'create', entity: entity.table, entity_id: row.id, changes: created, secretFields: entity.secretFields });
        return created;
      });
    },

    async update(ctx, id, patch) {
      assertAccess(ctx, entity.access.write, true);
      return write('update', id, async (trx) => {
        const current = await load(ctx, id, trx);
        let values = parseInput(updateSchema, patch);
        if (hooks.beforeUpdate) values = await hooks.beforeUpdate(values, current, ctx, trx);
        const own = ownClientColumnOf(entity);
        if (own) {
          const next = { ...entity.decode(current), ...values };
          const merged = await inheritClient(entity, trx, next);
          if (merged[own] !== next[own]) values = { ...values, [own]: merged[own] };
        }
        await checkReferences(entity, ctx, trx, { ...entity.decode(current), ...values });
        checkOrder(entity, { ...entity.decode(current), ...values });
        const before = entity.decode(current) as Record<string, unknown>;
        const diff = Object.fromEntries(Object.entries(values)
          .filter(([k, v]) => !isEqual(before[k], v))
          .map(([k, v]) => [k, { from: before[k], to: v }]));
        if (Object.keys(values).length === 0) return before as RowOf<F>;
        await repo.updateRow(trx, entity, id, { ...values, updated_at: clock.now().toISOString() });
        await audit.record(trx, ctx, { action: 'update', entity: entity.table, entity_id: id, changes: diff, secretFields: entity.secretFields });
        const updated = entity.decode((await repo.findById(trx, entity, id))!);
        if (hooks.afterWrite) await hooks.afterWrite(updated as Record<string, unknown>, ctx, trx);
        return updated;
      });
    },

    async remove(ctx, id) {
      assertAccess(ctx, entity.access.write, true);
      await write('delete', id, async (trx) => {
        const current = await load(ctx, id, trx);
        if (hooks.beforeDelete) await hooks.beforeDelete(current, ctx, trx);
        await checkRestrictions(trx, id);
        await repo.deleteRow(trx, entity, id);
        await audit.record(trx, ctx, { action: 'delete', entity: entity.table, entity_id: id, changes: entity.decode(current), secretFields: entity.secretFields });
      });
    },
  };
}
