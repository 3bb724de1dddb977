/**
 * Ranking: one number per candidate, blended from parts that `explain` shows one by one.
 * Text relevance is BM25F over the candidates (an item's own words, plus its neighbouring turns'
 * words at a lower weight), computed here rather than by the database so SQLite, MariaDB and
 * PostgreSQL rank identically.
 */
import { categoryOfTag } from './tags.js';

export interface RankWeights {
  /** BM25 saturation and length normalization. */
  k1: number;
  b: number;
  /** Weight of neighbouring-context terms relative to the item's own. */
  contextWeight: number;
  /** Blend weights; text relevance is normalized to 0..1 (share of the best candidate's) before blending. */
  text: number;
  tags: number;
  scope: { project: number; client: number; global: number };
  recency: number;
  recencyHalfLifeDays: number;
  /** An old item keeps at least this share of its recency score, so an old decision still surfaces. */
  recencyFloor: number;
  usage: number;
  relevance: number;
  pinned: number;
}

export const DEFAULT_WEIGHTS: RankWeights = {
  k1: 1.2, b: 0.75, contextWeight: 0.35,
  text: 1, tags: 0.15, scope: { project: 0.1, client: 0.05, global: 0 },
  recency: 0.05, recencyHalfLifeDays: 30, recencyFloor: 0.2, usage: 0.03, relevance: 0.05, pinned: 0.2,
};

export type Scope = 'project' | 'client' | 'global';

/** How often terms occur in a text: a Map, or a view over packed counts that answers the same questions without building one. */
export interface TermFrequencies {
  get(term: string): number | undefined;
  has(term: string): boolean;
  keys(): Iterable<string>;
}

export interface Candidate {
  id: string;
  /** How often each query term occurs in the item's own text (stemmed; absent terms may be left out). */
  termFrequencies: TermFrequencies;
  /** The same for the text around it (neighbouring turns), weighted by contextWeight. */
  contextFrequencies: TermFrequencies;
  /** Terms in the item's own text, and in its context. */
  length: number;
  contextLength: number;
  tags: string[];
  scope: Scope;
  /** When the content happened (or was stored): recency and `as_of` use it. */
  at: string;
  /** `Date.parse(at)`, when the caller has it already. */
  atMs?: number;
  usageCount: number;
  relevanceScore: number;
  pinned: boolean;
}

/** Counts of `wanted` terms in a term list. */
export function frequenciesOf(list: readonly string[], wanted: ReadonlySet<string>): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of list) if (wanted.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}

export interface Breakdown { text: number; bm25: number; tags: number; scope: number; recency: number; usage: number; relevance: number; pinned: number }
export interface Scored<C> { item: C; score: number; breakdown: Breakdown }

/** Corpus figures BM25 needs; `docCount` and `avgLength` come from the whole scope, not just the candidates. */
export interface CorpusStats { docCount: number; avgLength: number }

export interface Query {
  terms: string[];
  tags: string[];
  /** Tag categories the query names ("database"): an item with any tag of one counts as a tag hit. */
  categories?: string[];
  now: string;
}

/**
 * Candidates by column: what ranking reads of each one, without an object per candidate. A search that
 * keeps its items by column (the server's memory index) fills these directly; `ranking` builds them from
 * objects. Counts are per candidate and per term of `terms`: `own[i * terms.length + t]`.
 */
export interface CandidateColumns<C> {
  length: number;
  /** Distinct query terms, in the query's order (terms no candidate holds may be left out). */
  terms: readonly string[];
  own: Float64Array;
  context: Float64Array;
  textLength: Float64Array;
  contextLength: Float64Array;
  atMs: Float64Array;
  usage: Float64Array;
  relevance: Float64Array;
  pinned: Uint8Array;
  /** Index into SCOPES. */
  scope: Uint8Array;
  tags(i: number): readonly string[];
  /** The same tags by number, when the search numbers them: ranking then counts hits comparing numbers. */
  numberedTags?: NumberedTags;
  /** For ties: the later `at`, then the lower id, first. */
  at(i: number): string;
  id(i: number): string;
  /** The item shown for candidate i: built only for the top of the ranking. */
  item(i: number): C;
}

/**
 * Candidates' tag lists by number: `tags(i)` is `lists[listOf[i]]`, and `ids[k]` is `lists[k]` with each tag
 * as its number in `idOf`. Lists and numbers only ever grow: a list's number names the same tags for good.
 */
export interface NumberedTags {
  listOf: Int32Array;
  lists: readonly (readonly string[])[];
  ids: readonly Int32Array[];
  idOf: ReadonlyMap<string, number>;
}

export const SCOPES: readonly Scope[] = ['project', 'client', 'global'];

/** The query's distinct terms, in order: the order BM25 adds them up in, on every path. */
export function distinctTerms(terms: readonly string[]): string[] {
  return [...new Set(terms)];
}

/** Objects as columns, for `rankColumns`. */
export function candidateColumns<C extends Candidate>(queryTerms: readonly string[], candidates: readonly C[]): CandidateColumns<C> {
  const terms = distinctTerms(queryTerms);
  const n = candidates.length;
  const columns = emptyColumns<C>(n, terms, (i) => candidates[i]!);
  candidates.forEach((c, i) => {
    for (let t = 0; t < terms.length; t++) {
      columns.own[i * terms.length + t] = c.termFrequencies.get(terms[t]!) ?? 0;
      columns.context[i * terms.length + t] = c.contextFrequencies.get(terms[t]!) ?? 0;
    }
    columns.textLength[i] = c.length;
    columns.contextLength[i] = c.contextLength;
    columns.atMs[i] = c.atMs ?? Date.parse(c.at);
    columns.usage[i] = c.usageCount;
    columns.relevance[i] = c.relevanceScore;
    columns.pinned[i] = c.pinned ? 1 : 0;
    columns.scope[i] = SCOPES.indexOf(c.scope);
  });
  columns.tags = (i) => candidates[i]!.tags;
  columns.at = (i) => candidates[i]!.at;
  columns.id = (i) => candidates[i]!.id;
  return columns;
}

/** Zeroed columns for n candidates (or with the counts given); the caller fills them and sets the accessors. */
export function emptyColumns<C>(n: number, terms: readonly string[], item: (i: number) => C,
  counts: { own: Float64Array; context: Float64Array } = { own: new Float64Array(n * terms.length), context: new Float64Array(n * terms.length) }): CandidateColumns<C> {
  const none = () => { throw new Error('column accessor not set'); };
  // One buffer for the seven columns: a typed array of its own costs an allocation each (~1.5 µs for 1,200
  // candidates, as much as filling it), views of one buffer do not.
  const buffer = new ArrayBuffer(n * (5 * 8 + 2));
  const float = (k: number) => new Float64Array(buffer, k * n * 8, n);
  return {
    length: n, terms, own: counts.own, context: counts.context,
    textLength: float(0), contextLength: float(1), atMs: float(2), usage: float(3), relevance: float(4),
    pinned: new Uint8Array(buffer, 5 * n * 8, n), scope: new Uint8Array(buffer, 5 * n * 8 + n, n), tags: none, at: none, id: none, item,
  };
}

/** BM25F score of each candidate for the query terms (weighted by how often the query repeats a term). */
function bm25(query: readonly string[], c: CandidateColumns<unknown>, stats: CorpusStats, weights: RankWeights): Float64Array {
  const queryCounts = new Map<string, number>();
  for (const t of query) queryCounts.set(t, (queryCounts.get(t) ?? 0) + 1);
  const width = c.terms.length;
  // Per query term, how many candidates hold it: every item holding a query term is a candidate, so this is exact.
  const df = new Float64Array(width);
  for (let i = 0; i < c.length; i++) {
    for (let t = 0; t < width; t++) if (c.own[i * width + t]! > 0 || (weights.contextWeight > 0 && c.context[i * width + t]! > 0)) df[t]!++;
  }
  const n = Math.max(stats.docCount, c.length);
  const avg = stats.avgLength > 0 ? stats.avgLength : 1;
  // A typed array, not `terms.map`: a plain array's element kind (small integers when every boost is 0, else
  // doubles) changed from query to query, and each change threw away the optimized code of this loop.
  const boost = new Float64Array(width);
  for (let t = 0; t < width; t++) boost[t] = df[t] ? (queryCounts.get(c.terms[t]!) ?? 0) * Math.log(1 + (n - df[t]! + 0.5) / (df[t]! + 0.5)) : 0;
  const scores = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const length = c.textLength[i]! + weights.contextWeight * c.contextLength[i]!;
    const norm = weights.k1 * (1 - weights.b + weights.b * (length / avg));
    let s = 0;
    for (let t = 0; t < width; t++) {
      const f = c.own[i * width + t]! + weights.contextWeight * c.context[i * width + t]!;
      if (f > 0) s += boost[t]! * (f * (weights.k1 + 1)) / (f + norm);
    }
    scores[i] = s;
  }
  return scores;
}

const DAY_MS = 86_400_000;
const LN10 = Math.log(10);
/** Usage counts below this have their part kept at hand during a ranking. */
const USAGE_CACHED = 64;

/** The query's tags the item carries, plus the query's categories it has a tag of. */
function tagMatches(tags: readonly string[], queryTags: ReadonlySet<string>, categories: readonly string[]): number {
  let hits = 0;
  for (const t of tags) if (queryTags.has(t)) hits++;
  return hits + categoryMatches(tags, categories);
}

/** `tagMatches` for a list by number: its tags the query has (`wanted[id]` is 1), plus its categories. */
function numberedTagMatches(ids: Int32Array, wanted: Uint8Array, tags: readonly string[], categories: readonly string[]): number {
  let hits = 0;
  for (let k = 0; k < ids.length; k++) hits += wanted[ids[k]!]!;
  return categories.length ? hits + categoryMatches(tags, categories) : hits;
}

/** The query's categories the item has a tag of. */
function categoryMatches(tags: readonly string[], categories: readonly string[]): number {
  let hits = 0;
  for (const c of categories) {
    for (const t of tags) {
      if (categoryOfTag(t) === c) { hits++; break; }
    }
  }
  return hits;
}

/**
 * Each candidate's `tagMatches`, in one pass before scoring (called per candidate from the score's loop, it
 * was a fifth of ranking). Items share tag lists (the index keeps one copy of each): each list is counted once.
 */
function tagHits(c: CandidateColumns<unknown>, queryTags: ReadonlySet<string>, categories: readonly string[]): Int32Array {
  const hits = new Int32Array(c.length);
  const numbered = c.numberedTags;
  if (numbered) {
    // By number: a list's hits plus one (0: not counted yet), its tags looked up in `wanted`, not in a Set.
    // Every tag of a list numbered so far has a number below idOf.size.
    const wanted = new Uint8Array(numbered.idOf.size);
    for (const tag of queryTags) {
      const id = numbered.idOf.get(tag);
      if (id !== undefined) wanted[id] = 1;
    }
    const known = new Int32Array(numbered.lists.length);
    for (let i = 0; i < c.length; i++) {
      const k = numbered.listOf[i]!;
      if (!known[k]) known[k] = numberedTagMatches(numbered.ids[k]!, wanted, numbered.lists[k]!, categories) + 1;
      hits[i] = known[k]! - 1;
    }
    return hits;
  }
  // By list: neighbouring candidates (turns of one session) often share one, so the last answer is kept at hand.
  const hitsOfList = new Map<readonly string[], number>();
  let lastList: readonly string[] | null = null;
  let lastHits = 0;
  for (let i = 0; i < c.length; i++) {
    const list = c.tags(i);
    if (list !== lastList) {
      let h = hitsOfList.get(list);
      if (h === undefined) hitsOfList.set(list, (h = tagMatches(list, queryTags, categories)));
      lastList = list;
      lastHits = h;
    }
    hits[i] = lastHits;
  }
  return hits;
}

/** Candidates scored, best first, read as much as needed: `top(n)` is the first n of the full order. */
export interface Ranking<C> {
  length: number;
  top(n: number): Scored<C>[];
}

/**
 * Blends text relevance with tags, scope, recency, usage, the item's own relevance and pinning. Every
 * candidate is scored (text relevance is relative to the best one), but only the top asked for is
 * ordered: a recall shows ten items out of thousands of candidates.
 */
export function ranking<C extends Candidate>(query: Query, candidates: readonly C[], stats: CorpusStats, weights: RankWeights = DEFAULT_WEIGHTS): Ranking<C> {
  return rankColumns(query, candidateColumns(query.terms, candidates), stats, weights);
}

/** `ranking` over candidates kept by column. */
export function rankColumns<C>(query: Query, c: CandidateColumns<C>, stats: CorpusStats, weights: RankWeights = DEFAULT_WEIGHTS): Ranking<C> {
  const raw = bm25(query.terms, c, stats, weights);
  let best = 0;
  for (let i = 0; i < raw.length; i++) if (raw[i]! > best) best = raw[i]!;
  const queryTags = new Set(query.tags);
  const categories = query.categories ?? [];
  const tagWanted = queryTags.size + categories.length;
  const now = Date.parse(query.now);
  // One function per part, used for the score of every candidate and for the breakdown of those shown: the two always agree.
  const text = (i: number) => weights.text * (best > 0 ? raw[i]! / best : 0);
  const hits = tagWanted ? tagHits(c, queryTags, categories) : null;
  const tags = (i: number) => weights.tags * (hits ? hits[i]! / tagWanted : 0);
  // Typed, for the same reason as `boost` (a plain array of 0.1, 0.05 and 0 deoptimized this function 31 times in 3,000 rankings).
  const scopeWeights = Float64Array.from(SCOPES, (s) => weights.scope[s]);
  const scope = (i: number) => scopeWeights[c.scope[i]!]!;
  let lastAt = NaN;
  let lastRecency = 0;
  const recency = (i: number) => {
    if (c.atMs[i] === lastAt) return lastRecency;
    lastAt = c.atMs[i]!;
    const decay = Math.pow(0.5, Math.max(0, (now - lastAt) / DAY_MS) / weights.recencyHalfLifeDays);
    return (lastRecency = weights.recency * (weights.recencyFloor + (1 - weights.recencyFloor) * decay));
  };
  // Most items are used a few times at most: each small count's part is worked out once (log1p was an eighth of ranking).
  const usageOf = (count: number) => weights.usage * Math.log1p(Math.max(0, count)) / LN10;
  const usageOfSmall = new Float64Array(USAGE_CACHED).fill(NaN);
  const usage = (i: number) => {
    const count = c.usage[i]!;
    if (!(count >= 0 && count < USAGE_CACHED && Number.isInteger(count))) return usageOf(count);
    const known = usageOfSmall[count]!;
    return Number.isNaN(known) ? (usageOfSmall[count] = usageOf(count)) : known;
  };
  const relevance = (i: number) => weights.relevance * (c.relevance[i]! - 1);
  const pinned = (i: number) => (c.pinned[i] ? weights.pinned : 0);
  const scores = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) scores[i] = text(i) + tags(i) + scope(i) + recency(i) + usage(i) + relevance(i) + pinned(i);
  const scored = (i: number): Scored<C> => ({
    item: c.item(i), score: scores[i]!,
    breakdown: { bm25: raw[i]!, text: text(i), tags: tags(i), scope: scope(i), recency: recency(i), usage: usage(i), relevance: relevance(i), pinned: pinned(i) },
  });
  // Best first; ties break by time then id, so every database returns the same order.
  const better = (a: number, b: number) => {
    // NaN (a time that does not parse) counts as a tie, as `b - a || ...` did: broken by time, then id.
    const difference = scores[b]! - scores[a]!;
    if (difference) return difference;
    const atA = c.at(a);
    const atB = c.at(b);
    return atA < atB ? 1 : atA > atB ? -1 : c.id(a) < c.id(b) ? -1 : 1;
  };
  return {
    length: c.length,
    top(n) {
      if (n <= 0) return [];
      if (n * 4 >= c.length) return Array.from({ length: c.length }, (_, i) => i).sort(better).slice(0, n).map(scored);
      // The n best so far, kept in order; most candidates lose to the n-th on score alone.
      const kept: number[] = [];
      for (let i = 0; i < c.length; i++) {
        if (kept.length === n && (scores[i]! < scores[kept[n - 1]!]! || better(i, kept[n - 1]!) >= 0)) continue;
        let lo = 0;
        let hi = kept.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (better(kept[mid]!, i) < 0) lo = mid + 1;
          else hi = mid;
        }
        kept.splice(lo, 0, i);
        if (kept.length > n) kept.pop();
      }
      return kept.map(scored);
    },
  };
}

/** Every candidate scored and ordered, best first. */
export function rank<C extends Candidate>(query: Query, candidates: readonly C[], stats: CorpusStats, weights: RankWeights = DEFAULT_WEIGHTS): Scored<C>[] {
  return ranking(query, candidates, stats, weights).top(candidates.length);
}

/**
 * One item's score and breakdown for a query. BM25 needs the corpus, so `stats` describes it;
 * text relevance is normalized against the item itself (1 when any query term matches): use `rank`
 * to compare items with each other.
 */
export function scoreRelevance<C extends Candidate>(item: C, query: Query, stats: CorpusStats, weights: RankWeights = DEFAULT_WEIGHTS): Scored<C> {
  return rank(query, [item], stats, weights)[0]!;
}
