/**
 * An item's stored terms, packed small: a recall reads the counts of a few query terms in thousands of
 * items, and the index holds every item, so each is one Int32Array rather than maps or strings.
 * Layout: [number of own terms, own..., context...], each entry `termId << 8 | count` sorted by term id;
 * a count of 255 or more is kept exactly in a side table (it practically never happens).
 */
export type TermCounts = Int32Array;

const MAX_PACKED = 255;
/** Term ids have 23 bits: past that the dictionary is full and the index turns itself off. */
export const MAX_TERM_IDS = 1 << 23;
const EXACT = new WeakMap<TermCounts, Map<number, number>>();

export class TermDictionary {
  private ids = new Map<string, number>();

  get size(): number {
    return this.ids.size;
  }

  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** The packed counts of two stored term strings (space-separated tokens): the item's own and its context's. */
  pack(own: string | null, context: string | null): TermCounts {
    const ownCounts = this.count(own);
    const contextCounts = this.count(context);
    const packed = new Int32Array(1 + ownCounts.size + contextCounts.size);
    packed[0] = ownCounts.size;
    let at = 1;
    for (const counts of [ownCounts, contextCounts]) {
      for (const id of [...counts.keys()].sort((a, b) => a - b)) {
        const n = counts.get(id)!;
        if (n >= MAX_PACKED) {
          let exact = EXACT.get(packed);
          if (!exact) EXACT.set(packed, (exact = new Map()));
          exact.set(at, n);
        }
        packed[at++] = (id << 8) | Math.min(n, MAX_PACKED);
      }
    }
    return packed;
  }

  private count(stored: string | null): Map<number, number> {
    const counts = new Map<number, number>();
    if (!stored) return counts;
    for (const token of stored.split(' ')) {
      if (!token) continue;
      let id = this.ids.get(token);
      if (id === undefined) this.ids.set(token, (id = this.ids.size));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }
}

/** How often term `id` occurs in the item's own text. */
export function ownCount(packed: TermCounts, id: number): number {
  return find(packed, 1, packed[0]!, id);
}

/** How often term `id` occurs in the item's context (its neighbouring turns). */
export function contextCount(packed: TermCounts, id: number): number {
  return find(packed, 1 + packed[0]!, packed.length - 1 - packed[0]!, id);
}

/** Whether the item holds any of the terms `ids`, in its text or its context. */
export function holdsAny(packed: TermCounts, ids: readonly number[]): boolean {
  const own = packed[0]!;
  const context = packed.length - 1 - own;
  for (let i = 0; i < ids.length; i++) {
    if (find(packed, 1, own, ids[i]!) || find(packed, 1 + own, context, ids[i]!)) return true;
  }
  return false;
}

/** Binary search over `length` entries from `start`: items hold tens of terms. */
function find(packed: TermCounts, start: number, length: number, id: number): number {
  let lo = start;
  let hi = start + length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = packed[mid]! >> 8;
    if (at === id) {
      const n = packed[mid]! & MAX_PACKED;
      return n === MAX_PACKED ? EXACT.get(packed)!.get(mid)! : n;
    }
    if (at < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}
