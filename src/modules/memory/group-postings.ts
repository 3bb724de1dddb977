import { chunkOf, positionOf, type TermStore } from './term-counts.js';

/**
 * One group's items by term (an inverted index): for each term the group's items hold, an entry per item
 * and section (its text, its context) holding it: `slot << 1 | section`, with the term's packed count. A
 * search then reads only the items holding its terms, not every term of every item in scope. It is a
 * snapshot: any change to the group drops it (the index rebuilds it when the group is searched again).
 */
export class GroupPostings {
  private constructor(
    /** The terms, sorted; the entries of `termIds[k]` are `starts[k]` to `starts[k + 1]`. */
    private readonly termIds: Int32Array,
    private readonly starts: Int32Array,
    readonly entries: Int32Array,
    readonly counts: Uint8Array,
  ) {}

  /** The postings of the live items among `slots`, whose term spans are at `spans[slot]` in `store`. */
  static build(slots: readonly number[], live: Uint8Array, spans: Int32Array, store: TermStore): GroupPostings {
    const chunks = store.chunks;
    const perTerm = store.scratch();
    const seen: number[] = [];
    // Pass 1: how many entries each term has. A span is [own count, context count, entries...], each `id << 8 | count`.
    let total = 0;
    for (const slot of slots) {
      if (!live[slot]) continue;
      const data = chunks[chunkOf(spans[slot]!)]!;
      const start = positionOf(spans[slot]!);
      const end = start + 2 + data[start]! + data[start + 1]!;
      for (let i = start + 2; i < end; i++) {
        const id = data[i]! >> 8;
        if (perTerm[id]++ === 0) seen.push(id);
      }
      total += end - start - 2;
    }
    const termIds = Int32Array.from(seen).sort();
    const starts = new Int32Array(termIds.length + 1);
    for (let k = 0; k < termIds.length; k++) {
      starts[k + 1] = starts[k]! + perTerm[termIds[k]!]!;
      perTerm[termIds[k]!] = starts[k]!; // from here on: the term's next free entry
    }
    // Pass 2: the entries.
    const entries = new Int32Array(total);
    const counts = new Uint8Array(total);
    for (const slot of slots) {
      if (!live[slot]) continue;
      const data = chunks[chunkOf(spans[slot]!)]!;
      const start = positionOf(spans[slot]!);
      const ownEnd = start + 2 + data[start]!;
      const end = ownEnd + data[start + 1]!;
      for (let i = start + 2; i < end; i++) {
        const e = perTerm[data[i]! >> 8]!++;
        entries[e] = (slot << 1) | (i < ownEnd ? 0 : 1);
        counts[e] = data[i]! & 255;
      }
    }
    for (const id of seen) perTerm[id] = 0; // the scratch goes back clean
    return new GroupPostings(termIds, starts, entries, counts);
  }

  /** The index k of the term's entries (`start(k)` to `end(k)`), or -1 when no item of the group holds it. */
  find(termId: number): number {
    let lo = 0;
    let hi = this.termIds.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.termIds[mid] === termId) return mid;
      if (this.termIds[mid]! < termId) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  start(k: number): number {
    return this.starts[k]!;
  }

  end(k: number): number {
    return this.starts[k + 1]!;
  }
}
