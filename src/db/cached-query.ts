import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import { dialectOf } from './dialect.js';

const MAX_QUERIES = 500;
const queries = new Map<string, string | null>();

/**
 * Runs the query `build` makes with `parameters`, compiling it through Kysely only the first time per `key`
 * (the caller's name for its shape: list lengths, which branch; the dialect is added): the SQL text is then re-bound.
 * Building and compiling a 20-value `in` list cost more than SQLite's answer. The first compile checks that
 * Kysely binds exactly `parameters` in that order; a query that does not is never cached, just run.
 */
export async function runCached<R>(db: Kysely<any>, key: string, parameters: readonly unknown[], build: () => Compilable): Promise<R[]> {
  const fullKey = `${dialectOf(db)}|${key}`;
  const text = queries.get(fullKey);
  if (text) return (await db.executeQuery<R>(CompiledQuery.raw(text, [...parameters]))).rows;
  const compiled = build().compile();
  // Distinct values, or two swapped ones would pass the check and be bound the wrong way round later.
  const same = new Set(parameters).size === parameters.length && compiled.parameters.length === parameters.length
    && compiled.parameters.every((p, i) => p === parameters[i]);
  if (text === undefined) {
    if (queries.size >= MAX_QUERIES) queries.clear();
    queries.set(fullKey, same ? compiled.sql : null);
  }
  return (await db.executeQuery<R>(compiled)).rows as R[];
}
