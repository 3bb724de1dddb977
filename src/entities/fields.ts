import { z } from 'zod';

export type OnDelete = 'cascade' | 'set null' | 'restrict';

interface FieldSpec {
  /** How a query-string filter value is read. */
  kind: 'string' | 'number' | 'bool' | 'json';
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
const base = (input: z.ZodType, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  kind: 'string', input, output: input, toDb: identity, fromDb: identity,
  nullable: false, hasDefault: false, readOnly: false, immutable: false, hidden: false, secret: false, ...extra,
});

const isoTimestamp = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());

/** Field builders: the vocabulary entity files declare their columns with. */
export const f = {
  text: (opts: { max: number; min?: number; pattern?: RegExp; trim?: boolean } = { max: 255 }) => {
    let s = z.string().max(opts.max);
    if (opts.trim !== false) s = s.trim();
    if (opts.min) s = s.min(opts.min);
    if (opts.pattern) s = s.regex(opts.pattern);
    return new Field<string>(base(s, { output: z.string() }));
  },
  longText: (max = 1_000_000) => new Field<string>(base(z.string().max(max), { output: z.string() })),
  email: () => new Field<string>(base(z.email().max(254).transform((v) => v.toLowerCase()), { output: z.string() })),
  int: (opts: { min?: number; max?: number } = {}) =>
    new Field<number>(base(z.number().int().min(opts.min ?? -2_147_483_648).max(opts.max ?? 2_147_483_647),
      { kind: 'number', output: z.number().int(), fromDb: (v) => (v == null ? v : Number(v)) })),
  number: (opts: { min?: number; max?: number } = {}) =>
    new Field<number>(base(z.number().min(opts.min ?? -1e12).max(opts.max ?? 1e12),
      { kind: 'number', output: z.number(), fromDb: (v) => (v == null ? v : Number(v)) })),
  bool: () => new Field<boolean>(base(z.boolean(), {
    kind: 'bool',
    toDb: (v) => (v == null ? v : v ? 1 : 0),
    fromDb: (v) => (v == null ? v : v === true || Number(v) === 1),
  })),
  enum: <const V extends readonly [string, ...string[]]>(values: V) =>
    new Field<V[number]>(base(z.enum(values))),
  timestamp: () => new Field<string>(base(isoTimestamp, { output: z.string() })),
  uuid: () => new Field<string>(base(z.uuid(), { output: z.string() })),
  /** JSON stored as text; `schema` validates what goes in. */
  json: <S extends z.ZodType>(schema: S) => new Field<z.infer<S>>(base(schema, {
    kind: 'json',
    toDb: (v) => (v == null ? v : JSON.stringify(v)),
    fromDb: (v) => (v == null ? v : typeof v === 'string' ? JSON.parse(v) : v),
  })),
  /** A reference to another table's id; existence (and client scope) is checked before writes. */
  ref: (table: string, opts: { onDelete: OnDelete }) =>
    new Field<string>(base(z.uuid(), { output: z.string(), ref: { table, onDelete: opts.onDelete } })),
};

export type Fields = Record<string, Field<any>>;
