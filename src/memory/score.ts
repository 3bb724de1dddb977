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

export interface Candidate {
  id: string;
  /** How often each query term occurs in the item's own text (stemmed; absent terms may be left out). */
  termFrequencies: ReadonlyMap<string, number>;
  /** The same for the text around it (neighbouring turns), weighted by contextWeight. */
  contextFrequencies: ReadonlyMap<string, number>;
  /** Terms in the item's own text, and in its context. */
  length: number;
  contextLength: number;
  tags: string[];
  scope: Scope;
  /** When the content happened (or was stored): recency and `as_of` use it. */
  at: string;
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
    const seen = new Set(c.termFrequencies.keys());
    if (weights.contextWeight > 0) for (const t of c.contextFrequencies.keys()) seen.add(t);
    for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1);
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
  const idf = new Map([...df].map(([t, d]) => [t, Math.log(1 + (n - d + 0.5) / (d + 0.5))]));
  return candidates.map((c) => {
    const length = c.length + weights.contextWeight * c.contextLength;
    const norm = weights.k1 * (1 - weights.b + weights.b * (length / avg));
    let s = 0;
    for (const [t, q] of queryCounts) {
      const f = (c.termFrequencies.get(t) ?? 0) + weights.contextWeight * (c.contextFrequencies.get(t) ?? 0);
      if (f > 0) s += (idf.get(t) ?? 0) * q * (f * (weights.k1 + 1)) / (f + norm);
    }
    return s;
  });
}

const DAY_MS = 86_400_000;

/** Blends text relevance with tags, scope, recency, usage, the item's own relevance and pinning. */
export function rank<C extends Candidate>(query: Query, candidates: readonly C[], stats: CorpusStats, weights: RankWeights = DEFAULT_WEIGHTS): Scored<C>[] {
  const raw = bm25(query.terms, candidates, stats, weights);
  const best = Math.max(0, ...raw);
  const queryTags = new Set(query.tags);
  const categories = query.categories ?? [];
  const tagWanted = queryTags.size + categories.length;
  const now = Date.parse(query.now);
  const scored = candidates.map((item, i) => {
    const ageDays = Math.max(0, (now - Date.parse(item.at)) / DAY_MS);
    const decay = Math.pow(0.5, ageDays / weights.recencyHalfLifeDays);
    const tagHits = tagWanted
      ? (item.tags.filter((t) => queryTags.has(t)).length + categories.filter((c) => item.tags.some((t) => categoryOfTag(t) === c)).length) / tagWanted
      : 0;
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
  // Ties break by time then id, so every database returns the same order.
  return scored.sort((a, b) => b.score - a.score || (a.item.at < b.item.at ? 1 : a.item.at > b.item.at ? -1 : 0) || (a.item.id < b.item.id ? -1 : 1));
}

/**
 * One item's score and breakdown for a query. BM25 needs the corpus, so `stats` describes it;
 * text relevance is normalized against the item itself (1 when any query term matches): use `rank`
 * to compare items with each other.
 */
export function scoreRelevance<C extends Candidate>(item: C, query: Query, stats: CorpusStats, weights: RankWeights = DEFAULT_WEIGHTS): Scored<C> {
  return rank(query, [item], stats, weights)[0]!;
}
