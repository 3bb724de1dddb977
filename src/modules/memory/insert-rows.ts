import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import { dialectOf } from '../../db/dialect.js';

/**
 * Multi-row INSERTs compiled once per shape (dialect, table, columns, row count) and then only re-bound.
 * Building and compiling a 20-row, 25-column insert through Kysely's builder cost about as much CPU as
 * SQLite spent executing it, for SQL text that is the same every time. The template is still compiled
 * by Kysely (so quoting and placeholders stay each dialect's own): every value in it is a marker, and
 * where each marker lands among the parameters says where each row's value goes.
 */
interface Template { sql: string; slots: Array<[row: number, column: string]> }

const templates = new Map<string, Template | null>();
const MAX_TEMPLATES = 500;
const MARK = '\u0000slot:';

/** Values a parameter carries as is; anything else (undefined, objects) takes Kysely's own path. */
const plain = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'number';

function templateFor(db: Kysely<any>, table: string, columns: readonly string[], count: number): Template | null {
  const key = `${dialectOf(db)}|${table}|${columns.join(',')}|${count}`;
  if (templates.has(key)) return templates.get(key)!;
  const marked = Array.from({ length: count }, (_, row) => Object.fromEntries(columns.map((c) => [c, `${MARK}${row}:${c}`])));
  const compiled = db.insertInto(table).values(marked).compile();
  const slots = compiled.parameters.map((p) => {
    const m = typeof p === 'string' && p.startsWith(MARK) ? /^(\d+):(.*)$/s.exec(p.slice(MARK.length)) : null;
    return m ? ([Number(m[1]), m[2]!] as [number, string]) : null;
  });
  const template = slots.every(Boolean) && slots.length === count * columns.length ? { sql: compiled.sql, slots: slots as Template['slots'] } : null;
  if (templates.size >= MAX_TEMPLATES) templates.clear();
  templates.set(key, template);
  return template;
}

/** Inserts `rows` (all with the same keys, in the same order) in one statement. */
export async function insertRows(db: Kysely<any>, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]!);
  const sameShape = rows.every((r) => {
    const keys = Object.keys(r);
    return keys.length === columns.length && keys.every((k, i) => k === columns[i] && plain(r[k]));
  });
  const template = sameShape ? templateFor(db, table, columns, rows.length) : null;
  if (!template) {
    await db.insertInto(table).values(rows as Record<string, unknown>[]).execute();
    return;
  }
  await db.executeQuery(CompiledQuery.raw(template.sql, template.slots.map(([row, column]) => rows[row]![column])));
}
