import type { Kysely } from 'kysely';
import { decodeTerm, encodeTerm, IRREGULAR_STEMS } from '../../memory/text.js';
import { MEMORY_TABLES } from './0023_memory_search.js';

/**
 * Stemming learned irregular verbs ("chose" is now "choose", "bought" is "buy"). Terms stored before
 * hold the old stems, which no query produces any more: rewrite them, a batch at a time in id order,
 * touching only rows that change (the full-text indexes follow through their triggers / generated column).
 * The rewrite works on stems, so it is exactly what ingesting the text again would store.
 */
const BATCH = 1000;

function restem(stored: string | null): string | null {
  if (!stored) return stored;
  let changed = false;
  const tokens = stored.split(' ').map((token) => {
    const after = IRREGULAR_STEMS.get(decodeTerm(token));
    if (after === undefined) return token;
    changed = true;
    return encodeTerm(after);
  });
  return changed ? tokens.join(' ') : stored;
}

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of MEMORY_TABLES) {
    let after = '';
    for (;;) {
      const rows = await db.selectFrom(table).select(['id', 'search_terms', 'context_terms'])
        .where('id', '>', after).orderBy('id').limit(BATCH).execute();
      if (!rows.length) break;
      for (const row of rows) {
        const search_terms = restem(row.search_terms);
        const context_terms = restem(row.context_terms);
        if (search_terms !== row.search_terms || context_terms !== row.context_terms) {
          await db.updateTable(table).set({ search_terms, context_terms }).where('id', '=', row.id).execute();
        }
      }
      after = rows.at(-1)!.id;
    }
  }
}

/** Nothing to undo: the old stems only ever lost matches. */
export async function down(): Promise<void> {}
