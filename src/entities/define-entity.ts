import { z } from 'zod';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../core/pagination.js';
import type { Role } from '../core/context.js';
import type { Field, Fields, OnDelete } from './fields.js';

export interface EntityOptions<F extends Fields> {
  /** Singular, for messages and summaries ("machine"). */
  name: string;
  /** Plural, for the OpenAPI tag and summaries ("machines"). */
  plural: string;
  table: string;
  /** URL segment under /api (kebab-case plural); defaults to the table name with - for _. */
  path?: string;
  fields: F;
  list?: {
    filter?: (keyof F & string)[];
    search?: (keyof F & string)[];
    sort?: (keyof F & string | 'created_at' | 'updated_at')[];
    defaultSort?: string;
  };
  /**
   * What ties a row to a client, for technician scoping: its client column ('id' for clients themselves),
   * or `{ via: 'infrastructure_id' }` to take the client of the row it references.
   */
  clientScope?: ClientScope<keyof F & string>;
  /** Lowest role that may read and write. Writes always need more than viewer. */
  access?: { read?: Role; write?: Role };
  /** Columns that together must be unique, so a clash is a 409 naming them. */
  unique?: (keyof F & string)[][];
  /** Pairs of date fields that must be in order when both are set: [earlier, later]. */
  ordered?: [keyof F & string, keyof F & string][];
}

export type ClientScope<K extends string = string> = K | 'id' | { via: K };

export type RowOf<F extends Fields> = { id: string; created_at: string; updated_at: string } & {
  [K in keyof F]: F[K]['__type'];
};

export interface Entity<F extends Fields = Fields> extends Required<Pick<EntityOptions<F>, 'name' | 'plural' | 'table' | 'path' | 'fields'>> {
  list: { filter: string[]; search: string[]; sort: string[]; defaultSort: string };
  clientScope?: ClientScope;
  access: { read: Role; write: Role };
  unique: string[][];
  ordered: [string, string][];
  schemas: {
    row: z.ZodObject;
    create: z.ZodObject;
    update: z.ZodObject;
    listQuery: z.ZodObject;
    page: z.ZodObject;
    idParams: typeof IdParams;
  };
  /** Column value -> API value for one row (drops hidden fields). */
  decode(row: Record<string, unknown>): RowOf<F>;
  /** API values -> column values, for the fields present. */
  encode(values: Record<string, unknown>): Record<string, unknown>;
  secretFields: string[];
  refs: { field: string; table: string; onDelete: OnDelete }[];
}

export const IdParams = z.strictObject({ id: z.uuid().describe('The row id') });

const registry = new Map<string, Entity<any>>();

export const entityByTable = (table: string): Entity | undefined => registry.get(table);

/** Every declared entity that references `table`, for delete checks (restrict -> 409 naming the holder). */
export const referencesTo = (table: string) =>
  [...registry.values()].flatMap((e) => e.refs.filter((r) => r.table === table).map((r) => ({ entity: e as Entity, ...r })));

const withDescription = (schema: z.ZodType, field: Field) =>
  field.spec.description ? schema.describe(field.spec.description) : schema;

const queryValue = (field: Field): z.ZodType => {
  const { kind, input } = field.spec;
  if (kind === 'number') return z.coerce.number().pipe(input as z.ZodNumber);
  if (kind === 'bool') return z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
  return input;
};

/**
 * Declares an entity once. From the declaration come the zod schemas (row, create, update, list query),
 * the storage codecs, and through crud-service.ts and crud-routes.ts its repository, service and routes.
 */
export function defineEntity<F extends Fields>(opts: EntityOptions<F>): Entity<F> {
  const entries = Object.entries(opts.fields) as [string, Field][];
  const visible = entries.filter(([, fl]) => !fl.spec.hidden);
  const writable = entries.filter(([, fl]) => !fl.spec.readOnly);

  const row = z.object({
    id: z.string().describe(`The ${opts.name}'s id (uuidv7)`),
    ...Object.fromEntries(visible.map(([k, fl]) => [k, withDescription(fl.spec.nullable ? fl.spec.output.nullable() : fl.spec.output, fl)])),
    created_at: z.string(),
    updated_at: z.string(),
  });
  const create = z.strictObject(Object.fromEntries(writable.map(([k, fl]) => {
    const s = withDescription(fl.spec.input, fl);
    return [k, fl.spec.nullable ? s.nullable().optional() : fl.spec.hasDefault ? s.optional() : s];
  })));
  const update = z.strictObject(Object.fromEntries(writable.filter(([, fl]) => !fl.spec.immutable).map(([k, fl]) => {
    const s = withDescription(fl.spec.input, fl);
    return [k, (fl.spec.nullable ? s.nullable() : s).optional()];
  })));

  const sortable = opts.list?.sort ?? ['created_at'];
  const sortValues = sortable.flatMap((s) => [s, `-${s}`]) as [string, ...string[]];
  const filters = opts.list?.filter ?? [];
  const listQuery = z.strictObject({
    limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT).describe(`Page size (max ${MAX_LIMIT})`),
    offset: z.coerce.number().int().min(0).default(0),
    sort: z.enum(sortValues).optional().describe('A declared field; prefix with - for descending'),
    ...(opts.list?.search?.length ? { q: z.string().max(200).optional().describe(`Text search over ${opts.list.search.join(', ')}`) } : {}),
    ...Object.fromEntries(filters.map((k) => [k, queryValue(opts.fields[k]).optional()])),
  });
  const page = z.object({ items: z.array(row), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

  const entity: Entity<F> = {
    name: opts.name,
    plural: opts.plural,
    table: opts.table,
    path: opts.path ?? opts.table.replace(/_/g, '-'),
    fields: opts.fields,
    list: {
      filter: filters, search: opts.list?.search ?? [], sort: sortable,
      defaultSort: opts.list?.defaultSort ?? '-created_at',
    },
    clientScope: opts.clientScope,
    access: { read: opts.access?.read ?? 'viewer', write: opts.access?.write ?? 'technician' },
    unique: opts.unique ?? [],
    ordered: (opts.ordered ?? []) as [string, string][],
    schemas: { row, create, update, listQuery, page, idParams: IdParams },
    decode(dbRow) {
      const out: Record<string, unknown> = { id: dbRow.id, created_at: dbRow.created_at, updated_at: dbRow.updated_at };
      for (const [k, fl] of visible) out[k] = dbRow[k] === undefined ? null : fl.spec.fromDb(dbRow[k]);
      return out as RowOf<F>;
    },
    encode(values) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(values)) {
        const fl = opts.fields[k];
        out[k] = fl ? fl.spec.toDb(v) : v;
      }
      return out;
    },
    secretFields: entries.filter(([, fl]) => fl.spec.secret || fl.spec.hidden).map(([k]) => k),
    refs: entries.filter(([, fl]) => fl.spec.ref).map(([k, fl]) => ({ field: k, ...fl.spec.ref! })),
  };
  registry.set(opts.table, entity);
  return entity;
}

/** Defaults for create: declared defaults for fields the body left out. */
export function withDefaults(entity: Entity, input: Record<string, unknown>): Record<string, unknown> {
  const out = { ...input };
  for (const [k, fl] of Object.entries(entity.fields)) {
    if (out[k] === undefined && fl.spec.hasDefault) out[k] = fl.spec.defaultValue;
    if (out[k] === undefined && fl.spec.nullable && !fl.spec.readOnly) out[k] = null;
  }
  return out;
}
