import { isIP } from 'node:net';
import { z } from 'zod';

export type OnDelete = 'cascade' | 'set null' | 'restrict';

/** The column a field is stored in; `db/migration-draft.ts` turns it into DDL (see db/dialect.ts). */
export type Storage =
  | { type: 'varchar'; length: number } | { type: 'text' } | { type: 'id' } | { type: 'timestamp' }
  | { type: 'integer' } | { type: 'bigint' } | { type: 'double' } | { type: 'decimal' } | { type: 'bool' } | { type: 'json' };

interface FieldSpec {
  /** How a query-string filter value is read. */
  kind: 'string' | 'number' | 'bool' | 'json';
  storage: Storage;
  /** Validates a non-null input value (and describes it for OpenAPI and MCP). */
  input: z.ZodType;
  /** Describes the value in responses. */
  output: z.ZodType;
  /** Storage encoding: JS value -> column value, and back. */
  toDb: (v: unknown) => unknown;
  fromDb: (v: unknown) => unknown;
  nullable: boolean;
  hasDefault: boolean;
  defaultValue?: unknown;
  description?: string;
  /** Set by the server only: absent from create and update bodies. */
  readOnly: boolean;
  /** Accepted on create, refused on update. */
  immutable: boolean;
  /** Never returned in a response (password hashes). */
  hidden: boolean;
  /** Masked in audit diffs. */
  secret: boolean;
  ref?: { table: string; onDelete: OnDelete };
}

/**
 * One column of an entity. Builders are immutable: each modifier returns a new Field.
 * `T` is the JS value type, used to type rows where a service wants it.
 */
export class Field<T = unknown> {
  declare readonly __type: T;
  constructor(readonly spec: FieldSpec) {}

  private with(patch: Partial<FieldSpec>): Field<any> {
    return new Field({ ...this.spec, ...patch });
  }
  describe(description: string): Field<T> { return this.with({ description }); }
  /** May be null or left out; the column is nullable. */
  optional(): Field<T | null> { return this.with({ nullable: true }); }
  default(value: T): Field<T> { return this.with({ hasDefault: true, defaultValue: value }); }
  readOnly(): Field<T> { return this.with({ readOnly: true }); }
  immutable(): Field<T> { return this.with({ immutable: true }); }
  hidden(): Field<T> { return this.with({ hidden: true }); }
  secret(): Field<T> { return this.with({ secret: true }); }
}

const identity = (v: unknown) => v;
const toNumber = (v: unknown) => (v == null ? v : Number(v));
const base = (input: z.ZodType, storage: Storage, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  kind: 'string', storage, input, output: input, toDb: identity, fromDb: identity,
  nullable: false, hasDefault: false, readOnly: false, immutable: false, hidden: false, secret: false, ...extra,
});
const str = (input: z.ZodType, length: number, extra: Partial<FieldSpec> = {}) =>
  base(input, length > 1000 ? { type: 'text' } : { type: 'varchar', length }, { output: z.string(), ...extra });

const isoTimestamp = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());

function isCidr(v: string): boolean {
  const [ip, prefix, ...rest] = v.split('/');
  const family = isIP(ip ?? '');
  if (!family || rest.length || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Field builders: the vocabulary entity files declare their columns with. */
export const f = {
  text: (opts: { max: number; min?: number; pattern?: RegExp; trim?: boolean; lowercase?: boolean } = { max: 255 }) => {
    let s = z.string().max(opts.max);
    if (opts.trim !== false) s = s.trim();
    if (opts.lowercase) s = s.toLowerCase();
    if (opts.min) s = s.min(opts.min);
    if (opts.pattern) s = s.regex(opts.pattern);
    return new Field<string>(str(s, opts.max));
  },
  longText: (max = 1_000_000) => new Field<string>(base(z.string().max(max), { type: 'text' }, { output: z.string() })),
  email: () => new Field<string>(str(z.email().max(254).transform((v) => v.toLowerCase()), 254)),
  url: () => new Field<string>(str(z.url({ protocol: /^https?$|^ssh$|^git$/ }).max(2000), 2000)),
  int: (opts: { min?: number; max?: number } = {}) =>
    new Field<number>(base(z.number().int().min(opts.min ?? -2_147_483_648).max(opts.max ?? 2_147_483_647), { type: 'integer' },
      { kind: 'number', output: z.number().int(), fromDb: toNumber })),
  number: (opts: { min?: number; max?: number } = {}) =>
    new Field<number>(base(z.number().min(opts.min ?? -1e12).max(opts.max ?? 1e12), { type: 'double' },
      { kind: 'number', output: z.number(), fromDb: toNumber })),
  /** Money and rates: two decimals, stored exactly. */
  money: () => new Field<number>(base(z.number().min(0).max(1e9).multipleOf(0.01), { type: 'decimal' },
    { kind: 'number', output: z.number(), fromDb: toNumber })),
  bool: () => new Field<boolean>(base(z.boolean(), { type: 'bool' }, {
    kind: 'bool',
    toDb: (v) => (v == null ? v : v ? 1 : 0),
    fromDb: (v) => (v == null ? v : v === true || Number(v) === 1),
  })),
  enum: <const V extends readonly [string, ...string[]]>(values: V) =>
    new Field<V[number]>(base(z.enum(values), { type: 'varchar', length: Math.max(...values.map((v) => v.length)) + 10 })),
  timestamp: () => new Field<string>(base(isoTimestamp, { type: 'timestamp' }, { output: z.string() })),
  date: () => new Field<string>(str(z.iso.date(), 10)),
  uuid: () => new Field<string>(base(z.uuid(), { type: 'id' }, { output: z.string() })),
  /** JSON stored as text; `schema` validates what goes in. */
  json: <S extends z.ZodType>(schema: S) => new Field<z.infer<S>>(base(schema, { type: 'json' }, {
    kind: 'json',
    toDb: (v) => (v == null ? v : JSON.stringify(v)),
    fromDb: (v) => (v == null ? v : typeof v === 'string' ? JSON.parse(v) : v),
  })),
  /** A reference to another table's id; existence (and client scope) is checked before writes. */
  ref: (table: string, opts: { onDelete: OnDelete }) =>
    new Field<string>(base(z.uuid(), { type: 'id' }, { output: z.string(), ref: { table, onDelete: opts.onDelete } })),

  // Network and Microsoft identifiers, validated the way a technician expects.
  ip: () => new Field<string>(str(z.string().max(45).refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address'), 45)),
  cidr: () => new Field<string>(str(z.string().max(49).refine(isCidr, 'must be a CIDR block such as 10.0.0.0/24'), 49)),
  mac: () => new Field<string>(str(z.string().max(17)
    .regex(/^[0-9a-fA-F]{2}([:-]?)[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/, 'must be a MAC address such as 00:1a:2b:3c:4d:5e')
    .transform((v) => v.replace(/[:-]/g, '').toLowerCase().match(/../g)!.join(':')), 17)),
  guid: () => new Field<string>(str(z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a GUID')
    .transform((v) => v.toLowerCase()), 36)),
  port: () => new Field<number>(base(z.number().int().min(1).max(65535), { type: 'integer' }, { kind: 'number', output: z.number().int(), fromDb: toNumber })),
};

export type Fields = Record<string, Field<any>>;
