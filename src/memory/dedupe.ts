import { contentHash } from './hash.js';

/** Jaccard similarity of two term sets: 1 for the same words, 0 for none shared. */
export function similarity(a: readonly string[], b: readonly string[]): number {
  const A = new Set(a);
  const B = new Set(b);
  if (!A.size && !B.size) return 1;
  let shared = 0;
  for (const t of A) if (B.has(t)) shared++;
  return shared / (A.size + B.size - shared);
}

export const NEAR_DUPLICATE = 0.85;

/**
 * Keeps the first of each group of duplicates, in order: exact (same normalized text) and near
 * (term sets at least `threshold` alike, e.g. the same note re-saved with a word changed).
 */
export function dedupe<T>(items: readonly T[], textOf: (item: T) => string, termsOf: (item: T) => readonly string[], threshold = NEAR_DUPLICATE): T[] {
  const hashes = new Set<string>();
  const kept: T[] = [];
  const keptTerms: (readonly string[])[] = [];
  for (const item of items) {
    const hash = contentHash(textOf(item));
    if (hashes.has(hash)) continue;
    const t = termsOf(item);
    if (t.length >= 4 && keptTerms.some((k) => similarity(k, t) >= threshold)) continue;
    hashes.add(hash);
    kept.push(item);
    keptTerms.push(t);
  }
  return kept;
}
