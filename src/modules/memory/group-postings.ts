import type { TermStore } from './term-counts.js';

/**
 * One group's items by term (an inverted index): for each term the group's items hold, the slots holding
 * it, with the term's packed count in the item's text and in its context. A search then reads only the
 * items holding its terms, not every term of every item in scope. It is a snapshot: any change to the
 * group drops it (the index rebuilds it when the group is searched again, see `MemoryIndex`).
 */
export class GroupPostings {
  private constructor(
    /** The terms, sorted; entries of `termIds[k]` are `starts[k]` to `starts[k + 1]`. */
    private readonly termIds: Int32Array,
    private readonly starts: Int32Array,
    readonly slots: Int32Array,
    readonly own: Uint8Array,
    readonly context: Uint8Array,
  ) {}

  /** The postings of the live items among `slots`, whose term spans are at `spans[slot]` in `store`. */
  static build(slots: readonly number[], live: Uint8Array, spans: Int32Array, store: TermStore): GroupPostings {
    const data = store.packed;
    // Pass 1: how many items hold each term (in their text, their context or both: one entry an item).
    const perTerm = new Int32Array(store.vocabulary);
    const seen: number[] = [];
    let entries = 0;
    const eachTerm = (slot: number, visit: (id: number, own: number, context: number) => void) => {
      const offset = spans[slot]!;
      let i = offset + 2;
      const ownEnd = i + data[offset]!;
      let j = ownEnd;
      const end = ownEnd + data[offset + 1]!;
      // Both halves are sorted by term id: merge them.
      while (i < ownEnd || j < end) {
        const a = i < ownEnd ? data[i]! >> 8 : Infinity;
        const b = j < end ? data[j]! >> 8 : Infinity;
        if (a === b) visit(a, data[i++]! & 255, data[j++]! & 255);
        else if (a < b) visit(a, data[i++]! & 255, 0);
        else visit(b, 0, data[j++]! & 255);
      }
    };
    for (const slot of slots) {
      if (!live[slot]) continue;
      eachTerm(slot, (id) => {
        if (perTerm[id]++ === 0) seen.push(id);
        entries++;
      });
    }
    const termIds = Int32Array.from(seen).sort();
    const starts = new Int32Array(termIds.length + 1);
    for (let k = 0; k < termIds.length; k++) {
      starts[k + 1] = starts[k]! + perTerm[termIds[k]!]!;
      perTerm[termIds[k]!] = starts[k]!; // now each term's next free entry
    }
    // Pass 2: the entries.
    const postings = new GroupPostings(termIds, starts, new Int32Array(entries), new Uint8Array(entries), new Uint8Array(entries));
    for (const slot of slots) {
      if (!live[slot]) continue;
      eachTerm(slot, (id, own, context) => {
        const e = perTerm[id]!++;
        postings.slots[e] = slot;
        postings.own[e] = own;
        postings.context[e] = context;
      });
    }
    return postings;
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

  /** Bytes held: what the postings add to the index's memory. */
  get bytes(): number {
    return this.termIds.byteLength + this.starts.byteLength + this.slots.byteLength * 1.5;
  }
}
