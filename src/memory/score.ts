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

/** Per query term, how many candidates hold it: every item holding a query term is a candidate, so this is exact. */
function documentFrequencies(candidates: readonly Candidate[], weights: RankWeights): Map<string, number> {
  const df = new Map<string, number>();
  for (const c of candidates) {
    for (const t of c.termFrequencies.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    if (weights.contextWeight > 0) for (const t of c.contextFrequencies.keys()) if (!c.termFrequencies.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
  }
  return df;
}

/** BM25F score of each candidate for the query terms (weighted by how often the query repeats a term). */
export function bm25(query: readonly string[], candidates: readonly Candidate[], stats: CorpusStats, weights: RankWeights = DEFAULT_WEIGHTS): number[] {
  const queryCounts = new Map<string, number>();
  for (const t of query) queryCounts.set(t, (queryCounts.get(t) ?? 0) + 1);
  const df = documentFrequencies(candidates, weights);
  const n = Math.max(stats.docCount, candidates.length);
  const avg = stats.avgLength > 0 ? stats.avgLength : 1;
  // Per distinct query term: the term, its repeats in the query, its IDF.
  const terms = [...queryCounts.keys()];
  const boost = terms.map((t) => {
    const d = df.get(t);
    return d === undefined ? 0 : queryCounts.get(t)! * Math.log(1 + (n - d + 0.5) / (d + 0.5));
  });
  return candidates.map((c) => {
    const length = c.length + weights.contextWeight * c.contextLength;
    const norm = weights.k1 * (1 - weights.b + weights.b * (length / avg));
    let s = 0;
    for (let i = 0; i < terms.length; i++) {
      const f = (c.termFrequencies.get(terms[i]!) ?? 0) + weights.contextWeight * (c.contextFrequencies.get(terms[i]!) ?? 0);
      if (f > 0) s += boost[i]! * (f * (weights.k1 + 1)) / (f + norm);
    }
    return s;
  });
}

const DAY_MS = 86_400_000;

/** The query's tags the item carries, plus the query's categories it has a tag of. */
function tagMatches(tags: readonly string[], queryTags: ReadonlySet<string>, categories: readonly string[]): number {
  let hits = 0;
  for (const t of tags) if (queryTags.has(t)) hits++;
  for (const c of categories) if (tags.some((t) => categoryOfTag(t) === c)) hits++;
  return hits;
}

/** Candidates scored, best first, read as much as needed: `top(n)` is the first n of the full order. */
export interface Ranking<C> {
  length: number;
  top(n: number): Scored<C>[];
}

/** Best first; ties break by time then id, so every database returns the same order. */
function better<C extends Candidate>(a: Scored<C>, b: Scored<C>): number {
  return b.score - a.score || (a.item.at < b.item.at ? 1 : a.item.at > b.item.at ? -1 : 0) || (a.item.id < b.item.id ? -1 : 1);
}

/**
 * Blends text relevance with tags, scope, recency, usage, the item's own relevance and pinning. Every
 * candidate is scored (text relevance is relative to the best one), but only the top asked for is
 * ordered: a recall shows ten items out of thousands of candidates.
 */
export function ranking<C extends Candidate>(query: Query, candidates: readonly C[], stats: CorpusStats, weights: RankWeights = DEFAULT_WEIGHTS): Ranking<C> {
  const raw = bm25(query.terms, candidates, stats, weights);
  let best = 0;
  for (const r of raw) if (r > best) best = r;
  const queryTags = new Set(query.tags);
  const categories = query.categories ?? [];
  const tagWanted = queryTags.size + categories.length;
  const now = Date.parse(query.now);
  const scored = candidates.map((item, i) => {
    const ageDays = Math.max(0, (now - (item.atMs ?? Date.parse(item.at))) / DAY_MS);
    const decay = Math.pow(0.5, ageDays / weights.recencyHalfLifeDays);
    const tagHits = tagWanted ? tagMatches(item.tags, queryTags, categories) / tagWanted : 0;
    const breakdown: Breakdown = {
      bm25: raw[i]!,
      text: weights.text * (best > 0 ? raw[i]! / best : 0),
      tags: weights.tags * tagHits,
      scope: weights.scope[item.scope],
      recency: weights.recency * (weights.recencyFloor + (1 - weights.recencyFloor) * decay),
      usage: weights.usage * Math.log1p(Math.max(0, item.usageCount)) / Math.log(10),
      relevance: weights.relevance * (item.relevanceScore - 1),
      pinned: item.pinned ? weights.pinned : 0,
    };
    const score = breakdown.text + breakdown.tags + breakdown.scope + breakdown.recency + breakdown.usage + breakdown.relevance + breakdown.pinned;
    return { item, score, breakdown };
  });
  return {
    length: scored.length,
    top(n) {
      if (n <= 0) return [];
      if (n * 4 >= scored.length) return [...scored].sort(better).slice(0, n);
      // The n best so far, kept in order; most candidates lose to the n-th at the first comparison.
      const kept: Scored<C>[] = [];
      for (const s of scored) {
        if (kept.length === n && better(s, kept[n - 1]!) >= 0) continue;
        let lo = 0;
        let hi = kept.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (better(kept[mid]!, s) < 0) lo = mid + 1;
          else hi = mid;
        }
        kept.splice(lo, 0, s);
        if (kept.length > n) kept.pop();
      }
      return kept;
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
