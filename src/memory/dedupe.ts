import { normalizeForHash } from './hash.js';

/** Jaccard similarity of two term sets: 1 for the same words, 0 for none shared. */
export function similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size && !b.size) return 1;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

export const NEAR_DUPLICATE = 0.85;

/**
 * Remembers what was kept and says whether a new item repeats it: exactly (same normalized text)
 * or nearly (term sets at least `threshold` alike, e.g. the same note re-saved with a word changed).
 */
export class Deduper {
  /**
   * The normalized texts kept: the exact-duplicate test needs only their equality, which a Set of them
   * answers exactly and without hashing each one with sha256 (a recall checks ~15 texts of ~300 characters).
   */
  private texts = new Set<string>();
  private kept: ReadonlySet<string>[] = [];
  constructor(private threshold = NEAR_DUPLICATE) {}

  /** True if `text` repeats something kept; otherwise keeps it and returns false. */
  seen(text: string, terms: readonly string[]): boolean {
    const normalized = normalizeForHash(text);
    if (this.texts.has(normalized)) return true;
    const set = new Set(terms);
    // Jaccard >= t needs the smaller set to be at least t of the larger: skip the rest cheaply.
    if (set.size >= 4 && this.kept.some((k) => Math.min(k.size, set.size) >= this.threshold * Math.max(k.size, set.size) && similarity(k, set) >= this.threshold)) return true;
    this.texts.add(normalized);
    this.kept.push(set);
    return false;
  }
}

/** Keeps the first of each group of duplicates, in order. */
export function dedupe<T>(items: readonly T[], textOf: (item: T) => string, termsOf: (item: T) => readonly string[], threshold = NEAR_DUPLICATE): T[] {
  const deduper = new Deduper(threshold);
  return items.filter((item) => !deduper.seen(textOf(item), termsOf(item)));
}
