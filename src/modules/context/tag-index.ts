import type { Kysely } from 'kysely';
import type { Entity } from '../../entities/define-entity.js';
import { ContextSnippet, ConversationContext, DecisionLog } from './entities.js';

export type MemoryKind = 'conversation_context' | 'context_snippet' | 'decision_log';

/** Each recallable kind: its entity and the junction table (and item column) its tags are indexed in. */
export const MEMORY_KINDS: Record<MemoryKind, { entity: Entity; junction: string; column: string }> = {
  conversation_context: { entity: ConversationContext, junction: 'conversation_context_tags', column: 'context_id' },
  context_snippet: { entity: ContextSnippet, junction: 'context_snippet_tags', column: 'snippet_id' },
  decision_log: { entity: DecisionLog, junction: 'decision_log_tags', column: 'decision_id' },
};

/**
 * Tags as stored and as matched: NFKC, trimmed, lowercased, deduplicated, empties dropped. Queries
 * normalize the same way, so "Postgres " finds "postgres". Clipped to the junction's 100 characters
 * because lowercasing can lengthen a string.
 */
export function normalizeTags(tags: readonly unknown[]): string[] {
  const out = tags.map((t) => String(t).normalize('NFKC').trim().toLowerCase().slice(0, 100)).filter(Boolean);
  return [...new Set(out)];
}

/** Makes the junction rows of one item match its tags: deletes what went, inserts what came. */
export async function syncTags(trx: Kysely<any>, kind: MemoryKind, id: string, tags: readonly string[]): Promise<void> {
  const { junction, column } = MEMORY_KINDS[kind];
  const have: string[] = (await trx.selectFrom(junction).select('tag').where(column, '=', id).execute()).map((r) => r.tag);
  const gone = have.filter((t) => !tags.includes(t));
  const added = tags.filter((t) => !have.includes(t));
  if (gone.length) await trx.deleteFrom(junction).where(column, '=', id).where('tag', 'in', gone).execute();
  if (added.length) await trx.insertInto(junction).values(added.map((tag) => ({ [column]: id, tag }))).execute();
}

/** Junction rows go before their item, explicitly: deleting must not depend on the foreign key's cascade being on. */
export async function dropTags(trx: Kysely<any>, kind: MemoryKind, id: string): Promise<void> {
  const { junction, column } = MEMORY_KINDS[kind];
  await trx.deleteFrom(junction).where(column, '=', id).execute();
}

/**
 * The ids of items carrying any (or all) of `tags`, with how many they carry, as a subquery to join:
 * `... innerJoin(taggedItems(db, kind, tags, 'all').as('m'), 'm.item_id', '<table>.id')`.
 */
export function taggedItems(db: Kysely<any>, kind: MemoryKind, tags: readonly string[], match: 'any' | 'all') {
  const { junction, column } = MEMORY_KINDS[kind];
  const q = db.selectFrom(junction).select([`${column} as item_id`, (eb) => eb.fn.countAll().as('matched')])
    .where('tag', 'in', [...tags]).groupBy(column);
  return match === 'all' ? q.having((eb) => eb(eb.fn.countAll(), '=', tags.length)) : q;
}
