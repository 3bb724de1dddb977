import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { dialectOf } from '../../db/dialect.js';
import { encodeTerm } from '../../memory/text.js';
import { MEMORY_KINDS, type MemoryKind } from '../context/tag-index.js';
import { scopeQueryTerms } from './prepare.js';

/** How each recallable table maps onto one candidate shape. */
const SOURCES = [
  { kind: 'context_snippet', table: 'context_snippets',
    title: sql<string | null>`title`, text: sql<string>`dense_content`, label: sql<string>`category`, expires: true },
  { kind: 'conversation_context', table: 'conversation_contexts',
    title: sql<string | null>`title`, text: sql<string>`coalesce(dense_summary, title)`, label: sql<string>`context_type`, expires: true },
  { kind: 'decision_log', table: 'decision_logs',
    title: sql<string | null>`null`, text: sql<string>`decision_text`, label: sql<string>`decision_type`, expires: false },
] as const;

/** What ranking needs of an item: its terms, size, tags, scope and history, but not its text. */
export interface CandidateRow {
  kind: MemoryKind;
  id: string;
  label: string;
  project_id: string | null;
  client_id: string | null;
  tags: string;
  usage_count: number;
  relevance_score: number;
  pinned: number | boolean;
  occurred_at: string | null;
  created_at: string;
  search_terms: string | null;
  context_terms: string | null;
  term_count: number;
  context_count: number;
  tokens: number;
}

/** What showing an item needs, fetched only for the items that rank high enough to be shown. */
export interface CandidateBody { title: string | null; text: string; source_refs: string }

export interface SearchScope {
  projectId?: string | null;
  /** The project's client (or the client asked for): its other items count as nearby. */
  clientId?: string | null;
  /** Clients the actor may see; null for all. Global items (no client) are visible to everyone. */
  allowedClients: string[] | null;
  /** Items that happened after this are not recalled. */
  asOf: string;
  tags: string[];
}

/** Items in reach of the scope: the project's, its client's, and global ones; never another client's. */
function scopeFilter(source: (typeof SOURCES)[number], s: SearchScope): Expression<SqlBool> {
  const parts = [sql`coalesce(occurred_at, created_at) <= ${s.asOf}`];
  if (source.expires) parts.push(sql`(expires_at is null or expires_at > ${s.asOf})`);
  if (s.projectId || s.clientId) {
    const near = [sql`(project_id is null and client_id is null)`];
    if (s.projectId) near.push(sql`project_id = ${s.projectId}`);
    if (s.clientId) near.push(sql`client_id = ${s.clientId}`);
    parts.push(sql`(${sql.join(near, sql` or `)})`);
  }
  if (s.allowedClients) {
    parts.push(s.allowedClients.length ? sql`(client_id is null or client_id in (${sql.join(s.allowedClients)}))` : sql`client_id is null`);
  }
  return sql<SqlBool>`${sql.join(parts, sql` and `)}`;
}

/** Items carrying any of `tags`, through the kind's tag junction. */
function tagFilter(source: (typeof SOURCES)[number], tags: string[]): Expression<SqlBool> {
  if (!tags.length) return sql<SqlBool>`1 = 1`;
  const { junction, column } = MEMORY_KINDS[source.kind];
  return sql<SqlBool>`id in (select ${sql.ref(column)} from ${sql.table(junction)} where tag in (${sql.join(tags)}))`;
}

/**
 * The native full-text condition: the row holds at least one of the (encoded) terms, in its own text or
 * its context, and (when the scope names a project or client) one of the scope's tokens, so the index
 * itself narrows to the scope instead of returning every matching row in the database.
 */
function matches(db: Kysely<any>, table: string, terms: string[], scope: SearchScope): Expression<SqlBool> {
  const encoded = [...new Set(terms.map(encodeTerm))];
  const near = scopeQueryTerms(scope.projectId, scope.clientId);
  switch (dialectOf(db)) {
    case 'sqlite': {
      const any = (list: string[]) => `(${list.map((t) => `"${t}"`).join(' OR ')})`;
      const query = near.length ? `${any(near)} AND ${any(encoded)}` : any(encoded);
      return sql<SqlBool>`rowid in (select rowid from ${sql.table(`${table}_fts`)} where ${sql.table(`${table}_fts`)} match ${query})`;
    }
    case 'mysql': {
      const query = near.length ? `+(${near.join(' ')}) +(${encoded.join(' ')})` : encoded.join(' ');
      return sql<SqlBool>`match(search_terms, context_terms, scope_terms) against (${query} in boolean mode)`;
    }
    default: {
      const query = near.length ? `(${near.join(' | ')}) & (${encoded.join(' | ')})` : encoded.join(' | ');
      return sql<SqlBool>`search_vector @@ to_tsquery('simple'::regconfig, ${query})`;
    }
  }
}

const RANK_COLUMNS = (source: (typeof SOURCES)[number]) => [
  sql<string>`${source.kind}`.as('kind'), 'id', source.label.as('label'), 'project_id', 'client_id', 'tags', 'usage_count',
  'relevance_score', 'pinned', 'occurred_at', 'created_at', 'search_terms', 'context_terms', 'term_count', 'context_count', 'tokens',
] as const;

/**
 * Every item in scope holding a query term, from the three recallable tables. The set is complete
 * (up to `cap` per table), not ranked: the engine ranks, so all three databases agree.
 * With no terms (a query of only stopwords) the newest items in scope are the candidates.
 */
export async function findCandidates(db: Kysely<any>, terms: string[], scope: SearchScope, cap: number): Promise<CandidateRow[]> {
  const rows = await Promise.all(SOURCES.map((source) => {
    let q = db.selectFrom(source.table).select(RANK_COLUMNS(source) as any)
      .where(scopeFilter(source, scope)).where(tagFilter(source, scope.tags));
    q = terms.length ? q.where(matches(db, source.table, terms, scope)) : q.orderBy('created_at', 'desc');
    return q.limit(cap).execute() as Promise<CandidateRow[]>;
  }));
  return rows.flat();
}

/** The title, text and source refs of the given items, by id. */
export async function fetchBodies(db: Kysely<any>, items: readonly { kind: MemoryKind; id: string }[]): Promise<Map<string, CandidateBody>> {
  const bodies = new Map<string, CandidateBody>();
  await Promise.all(SOURCES.map(async (source) => {
    const ids = items.filter((i) => i.kind === source.kind).map((i) => i.id);
    if (!ids.length) return;
    const rows = await db.selectFrom(source.table).select(['id', source.title.as('title'), source.text.as('text'), 'source_refs'] as any)
      .where('id', 'in', ids).execute() as (CandidateBody & { id: string })[];
    for (const { id, ...body } of rows) bodies.set(id, body);
  }));
  return bodies;
}

export interface ScopeStats { docCount: number; termCount: number; contextCount: number }

/** Size of the searchable corpus in scope, for BM25's document frequency and length normalization. */
export async function scopeStats(db: Kysely<any>, scope: SearchScope): Promise<ScopeStats> {
  const rows = await Promise.all(SOURCES.map((source) => db.selectFrom(source.table)
    .select([sql<number>`count(*)`.as('n'), sql<number>`coalesce(sum(term_count), 0)`.as('terms'), sql<number>`coalesce(sum(context_count), 0)`.as('context')])
    .where(scopeFilter(source, scope)).where(tagFilter(source, scope.tags)).executeTakeFirstOrThrow()));
  return rows.reduce((acc, r) => ({ docCount: acc.docCount + Number(r.n), termCount: acc.termCount + Number(r.terms), contextCount: acc.contextCount + Number(r.context) }),
    { docCount: 0, termCount: 0, contextCount: 0 });
}

export const MEMORY_SOURCES = SOURCES;
