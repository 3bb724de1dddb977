import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { RequestContext } from '../../core/context.js';
import { clientLimit } from '../../entities/policy.js';
import { Deduper } from '../../memory/dedupe.js';
import { formatForInjection } from '../../memory/format.js';
import { candidateColumns, distinctTerms, rankColumns, DEFAULT_WEIGHTS, type CandidateColumns, type Ranking, type RankWeights } from '../../memory/score.js';
import { categoriesIn, extractTags, tagsInCategory } from '../../memory/tags.js';
import { decodeTerms, encodedQuery, storedFrequencies, terms } from '../../memory/text.js';
import { countTokens } from '../../memory/tokens.js';
import type { RecallInput, RecallOutput } from './schemas.js';
import type { ResolvedScope } from './scope.js';
import { candidateRow, fetchBodies, findCandidates, memoryCandidate, scopeStats, type CandidateBody, type CandidateRow, type RecallItem, type SearchScope, type ScopeStats } from './search.js';
import type { MemoryIndex } from './memory-index.js';
import { bumpUsage, normalizeTags } from '../context/service.js';

/** Per table: more matches than this are a query too vague to rank well anyway. */
const CANDIDATE_CAP = 3000;

/** What a caller sees an item as: turns of a conversation, a snippet, a session summary or a decision. */
function kindOf(row: CandidateRow): string {
  if (row.kind === 'context_snippet') return row.label === 'conversation' ? 'conversation' : 'snippet';
  return row.kind === 'conversation_context' ? 'summary' : 'decision';
}

/**
 * The ranked items that fit in the budget and the limit, formatted. Texts are fetched only for the
 * top of the ranking, in growing windows: formatting a prefix gives the same result as formatting
 * the whole list once the prefix used up the limit or the budget. The first window is the limit and half
 * again (room for a few near-duplicates), doubling after: a row fetched costs about what ranking a hundred
 * candidates does (it is most of a recall's database time), and the top `limit` items usually all fit.
 */
async function fitInBudget(db: Kysely<any>, ranked: Ranking<RecallItem>, input: RecallInput, search: SearchScope) {
  const bodies = new Map<string, CandidateBody>();
  for (let window = input.limit + Math.ceil(input.limit / 2); ; window *= 2) {
    const prefix = ranked.top(window);
    const missing = prefix.filter((r) => !bodies.has(r.item.id)).map((r) => r.item.row);
    for (const [id, body] of await fetchBodies(db, missing, search)) bodies.set(id, body);
    const deduper = new Deduper();
    const shown = prefix.filter((r) => bodies.has(r.item.id)).map((r) => {
      const body = bodies.get(r.item.id)!;
      return { kind: kindOf(r.item.row), title: body.title, text: body.text, at: r.item.at, body, scored: r,
        tokens: r.item.row.kind === 'context_snippet' ? r.item.row.tokens : undefined };
    });
    const injection = formatForInjection(shown, input.token_budget,
      { limit: input.limit, accept: (i) => !deduper.seen(i.text, decodeTerms(i.body.search_terms)) });
    if (injection.filled || window >= ranked.length) return injection;
  }
}

/**
 * Tokens of the text shown. An untitled snippet's text is all of its stored text, whose count the row keeps
 * (counted when written): no BPE pass for most items a recall shows.
 */
function tokensOf(row: CandidateRow, body: CandidateBody): number {
  return row.kind === 'context_snippet' && !body.title ? row.tokens : countTokens(body.text);
}

export interface RecallDeps { db: Kysely<any>; clock: Clock; weights?: RankWeights; memoryIndex?: MemoryIndex }

/**
 * Every item in scope holding a query term (or an expansion of one), with the counts of the query's own
 * terms, and the scope's size: from the in-memory index when there is one, else from the database.
 */
async function findInScope(deps: RecallDeps, search: SearchScope, matchTerms: string[], queryTerms: string[]): Promise<{ columns: CandidateColumns<RecallItem>; stats: ScopeStats }> {
  const wanted = distinctTerms(queryTerms);
  const found = await deps.memoryIndex?.search(search, matchTerms, wanted, CANDIDATE_CAP);
  if (found) return found;
  const [rows, stats] = await Promise.all([findCandidates(deps.db, matchTerms, search, CANDIDATE_CAP), scopeStats(deps.db, search)]);
  const encoded = encodedQuery(wanted);
  const candidates = rows.map((row) => memoryCandidate(candidateRow(row), storedFrequencies(row.search_terms, encoded), storedFrequencies(row.context_terms, encoded), search));
  return { columns: candidateColumns(wanted, candidates), stats };
}

/**
 * Candidates from the full-text index, ranked by the engine, near-duplicates dropped, then as many
 * as fit in the token budget (and the limit), formatted for injection.
 */
export async function recall(deps: RecallDeps, ctx: RequestContext, input: RecallInput, scope: ResolvedScope): Promise<RecallOutput> {
  const weights = deps.weights ?? DEFAULT_WEIGHTS;
  const now = input.as_of ?? deps.clock.now().toISOString();
  const queryTerms = terms(input.query);
  // "Which database did we pick?": items tagged with any database are candidates too (their tags are
  // among their terms), ranked by the tag match since none of them says "database".
  const categories = categoriesIn(input.query);
  const expansion = categories.flatMap((c) => tagsInCategory(c).flatMap(terms));
  const search = { projectId: scope.projectId, clientId: scope.clientId, allowedClients: clientLimit(ctx), asOf: now, tags: normalizeTags(input.tags) };
  const { columns, stats } = await findInScope(deps, search, [...new Set([...queryTerms, ...expansion])], queryTerms);
  const avgLength = stats.docCount ? (stats.termCount + weights.contextWeight * stats.contextCount) / stats.docCount : 1;
  const ranked = rankColumns({ terms: queryTerms, tags: [...new Set([...input.tags, ...extractTags(input.query)])], categories, now }, columns, { docCount: stats.docCount, avgLength }, weights);
  const injection = await fitInBudget(deps.db, ranked, input, search);
  const items = injection.included.map(({ body, scored: { item, score, breakdown } }) => ({
    id: item.id, kind: kindOf(item.row), title: body.title, text: body.text, score: Number(score.toFixed(6)),
    source_refs: JSON.parse(body.source_refs) as string[], tags: [...item.tags], created_at: item.row.created_at,
    occurred_at: item.row.occurred_at, tokens: tokensOf(item.row, body),
    ...(input.explain ? { explain: breakdown } : {}),
  }));
  if (input.record_usage && items.length) {
    const used = injection.included.map((i) => i.scored.item.row);
    const at = deps.clock.now().toISOString();
    for (const kind of new Set(used.map((r) => r.kind))) {
      const ids = used.filter((r) => r.kind === kind).map((r) => r.id);
      await bumpUsage(deps.db, kind, ids, at);
      deps.memoryIndex?.touched(kind, ids);
    }
  }
  return { items, text: injection.text, tokens: injection.tokens, candidates: columns.length };
}
