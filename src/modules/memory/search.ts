import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { dialectOf } from '../../db/dialect.js';
import type { Candidate, Scope, TermFrequencies } from '../../memory/score.js';
import { encodeTerm } from '../../memory/text.js';
import { MEMORY_KINDS, type MemoryKind } from '../context/tag-index.js';
import { indexBacklog } from './full-text-backlog.js';
import { runCached } from '../../db/cached-query.js';
import { scopeQueryTerms } from './prepare.js';

/** How each recallable table maps onto one candidate shape. */
const SOURCES = [
  { kind: 'context_snippet', table: 'context_snippets', title: sql<string | null>`title`, text: sql<string>`dense_content`,
    label: sql<string>`category`, expires: true, expiresAt: sql<string | null>`expires_at` },
  { kind: 'conversation_context', table: 'conversation_contexts', title: sql<string | null>`title`, text: sql<string>`coalesce(dense_summary, title)`,
    label: sql<string>`context_type`, expires: true, expiresAt: sql<string | null>`expires_at` },
  { kind: 'decision_log', table: 'decision_logs', title: sql<string | null>`null`, text: sql<string>`decision_text`,
    label: sql<string>`decision_type`, expires: false, expiresAt: sql<string | null>`null` },
] as const;

/** What ranking needs of an item: its size, tags, scope and history, but not its text. */
export interface CandidateRow extends Placement {
  kind: MemoryKind;
  id: string;
  label: string;
  usage_count: number;
  relevance_score: number;
  pinned: boolean;
  term_count: number;
  context_count: number;
  tokens: number;
}

/** Where and when an item is: what decides whether a search can reach it. */
export interface Placement {
  project_id: string | null;
  client_id: string | null;
  occurred_at: string | null;
  created_at: string;
  expires_at: string | null;
  tags: string[];
}

/** A candidate row as the database gives it: numbers may be strings (MariaDB, PostgreSQL), tags are JSON. */
export type StoredRow = Omit<CandidateRow, 'tags' | 'pinned'> & { tags: string; pinned: number | boolean; updated_at: string; search_terms: string | null; context_terms: string | null };

/** Database values as one shape on every dialect. */
export function candidateRow(raw: StoredRow): CandidateRow {
  return {
    kind: raw.kind, id: raw.id, label: raw.label, project_id: raw.project_id ?? null, client_id: raw.client_id ?? null,
    tags: JSON.parse(raw.tags) as string[], usage_count: Number(raw.usage_count), relevance_score: Number(raw.relevance_score),
    pinned: Boolean(Number(raw.pinned)), occurred_at: raw.occurred_at ?? null, created_at: raw.created_at,
    expires_at: raw.expires_at ?? null, term_count: Number(raw.term_count), context_count: Number(raw.context_count), tokens: Number(raw.tokens),
  };
}

/** An item as the ranking engine takes it, with the row it came from. */
export interface MemoryCandidate extends Candidate { row: CandidateRow }

/** A ranked item as recall shows it: its row is read only for the few shown. */
export interface RecallItem { id: string; at: string; tags: string[]; row: CandidateRow }

/** Where the item sits relative to the scope asked about: in its project, its client, or global. */
export function scopeOf(projectId: string | null, clientId: string | null, scope: SearchScope): Scope {
  if (scope.projectId && projectId === scope.projectId) return 'project';
  if (!scope.projectId && !scope.clientId) return 'project';
  if (scope.clientId && clientId === scope.clientId) return 'client';
  return 'global';
}

/** The engine's view of a row: its counts of the query's terms, size, tags, scope and history. */
export function memoryCandidate(row: CandidateRow, termFrequencies: TermFrequencies, contextFrequencies: TermFrequencies, scope: SearchScope, atMs?: number): MemoryCandidate {
  return {
    row, id: row.id, termFrequencies, contextFrequencies, length: row.term_count, contextLength: row.context_count, tags: row.tags,
    scope: scopeOf(row.project_id, row.client_id, scope), at: row.occurred_at ?? row.created_at, atMs, usageCount: row.usage_count, relevanceScore: row.relevance_score, pinned: row.pinned,
  };
}

/** What showing an item needs, fetched only for the items that rank high enough to be shown. */
export interface CandidateBody { title: string | null; text: string; source_refs: string; search_terms: string | null }

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

/**
 * The same rule as `scopeFilter`, for an item in hand: in reach of the scope, visible to the actor,
 * already happened by `asOf`, not expired, and carrying one of the asked tags.
 */
export function inSearchScope(row: Placement, s: SearchScope): boolean {
  return placedInScope((row.occurred_at ?? row.created_at) <= s.asOf, row.expires_at, row.project_id, row.client_id, row.tags, s);
}

/**
 * `inSearchScope` over the parts of a placement, for the memory index, which keeps them by column.
 * `reached`: the item's time is not after `asOf` (the index compares numbers where it can, see `isoMillis`).
 */
export function placedInScope(reached: boolean, expiresAt: string | null, projectId: string | null, clientId: string | null, tags: readonly string[], s: SearchScope): boolean {
  if (!reached) return false;
  if (expiresAt !== null && expiresAt <= s.asOf) return false;
  if ((s.projectId || s.clientId) && !((projectId === null && clientId === null)
    || (s.projectId && projectId === s.projectId) || (s.clientId && clientId === s.clientId))) return false;
  if (s.allowedClients && clientId !== null && !s.allowedClients.includes(clientId)) return false;
  return !s.tags.length || s.tags.some((t) => tags.includes(t));
}

/**
 * A timestamp's milliseconds when it is in the one form the server writes (`toISOString`, 24 characters):
 * in that form the numbers' order is the strings' order, which is how the database compares them. NaN
 * for any other form (the caller then compares the strings). Comparing strings costs ~100 ns in V8.
 */
export function isoMillis(value: string): number {
  const ms = value.length === 24 ? Date.parse(value) : NaN;
  return Number.isFinite(ms) && new Date(ms).toISOString() === value ? ms : NaN;
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

/** The columns of a `StoredRow`. */
export const RANK_COLUMNS = (source: (typeof SOURCES)[number]) => [
  sql<string>`${source.kind}`.as('kind'), 'id', source.label.as('label'), 'project_id', 'client_id', 'tags', 'usage_count',
  'relevance_score', 'pinned', 'occurred_at', 'created_at', 'updated_at', source.expiresAt.as('expires_at'), 'search_terms', 'context_terms',
  'term_count', 'context_count', 'tokens',
] as const;

/**
 * Every item in scope holding a query term, from the three recallable tables. The set is complete
 * (up to `cap` per table), not ranked: the engine ranks, so all three databases agree.
 * With no terms (a query of only stopwords) the newest items in scope are the candidates.
 */
export async function findCandidates(db: Kysely<any>, terms: string[], scope: SearchScope, cap: number): Promise<StoredRow[]> {
  if (terms.length) await indexBacklog(db);
  const rows = await Promise.all(SOURCES.map((source) => {
    let q = db.selectFrom(source.table).select(RANK_COLUMNS(source) as any)
      .where(scopeFilter(source, scope)).where(tagFilter(source, scope.tags));
    if (terms.length) q = q.where(matches(db, source.table, terms, scope));
    // Past the cap, the newest (then the highest id) are kept: the same ones on every database and in the memory index.
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(cap).execute() as Promise<StoredRow[]>;
  }));
  return rows.flat();
}

/**
 * The title, text, source refs and terms of the given items, by id; only those still in the scope
 * (an item moved or deleted since it was ranked is left out, so a stale index never shows it).
 */
export async function fetchBodies(db: Kysely<any>, items: readonly { kind: MemoryKind; id: string }[], scope: SearchScope): Promise<Map<string, CandidateBody>> {
  const bodies = new Map<string, CandidateBody>();
  await Promise.all(SOURCES.map(async (source) => {
    const ids = items.filter((i) => i.kind === source.kind).map((i) => i.id);
    if (!ids.length) return;
    const rows = await runCached<CandidateBody & Omit<Placement, 'tags'> & { id: string; tags: string }>(db, `bodies|${source.kind}|${ids.length}`, ids,
      () => db.selectFrom(source.table)
        .select(['id', source.title.as('title'), source.text.as('text'), 'source_refs', 'search_terms', 'project_id', 'client_id', 'occurred_at',
          'created_at', source.expiresAt.as('expires_at'), 'tags'] as any)
        .where('id', 'in', ids));
    // Plain literals, no spread or rest: Node 20's V8 copies those property by property on a slow path.
    for (const row of rows) {
      const placement: Placement = { project_id: row.project_id, client_id: row.client_id, occurred_at: row.occurred_at, created_at: row.created_at,
        expires_at: row.expires_at ?? null, tags: JSON.parse(row.tags) as string[] };
      if (inSearchScope(placement, scope)) bodies.set(row.id, { title: row.title, text: row.text, source_refs: row.source_refs, search_terms: row.search_terms });
    }
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
