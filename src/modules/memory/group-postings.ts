import type { TermStore } from './term-counts.js';
import { varintLength, writeVarint } from './varint.js';

/**
 * One group's items by term (an inverted index): for each term the group's items hold, an entry per item
 * and section (its text, its context) holding it, in the order of the group's slots. A search then reads
 * only the items holding its terms, not every term of every item in scope. It is a snapshot of the group's
 * slot list: any change to the group drops it (the index rebuilds it when the group is searched again).
 *
 * Entries are bytes: a varint `gap << 2 | section << 1 | (count > 1)`, where `gap` is the item's position
 * in the slot list less the previous entry's, then the count in a byte when it is more than 1. Most
 * entries take one byte (a common term's items are close together; most counts are 1): ~1.3 B an entry,
 * where an Int32 slot and a count byte took 5 B (25 MB of postings at 100k items).
 */
export class GroupPostings {
  private constructor(
    /** The slot list the entries' positions point into. */
    readonly slots: readonly number[],
    /** The terms, sorted; the bytes of `termIds[k]` are `starts[k]` to `starts[k + 1]`. */
    private readonly termIds: Int32Array,
    private readonly starts: Int32Array,
    readonly bytes: Uint8Array,
  ) {}

  /** The postings of the live items among `slots`, whose term spans are at `spans[slot]` in `store`. */
  static build(slots: readonly number[], live: Uint8Array, spans: Int32Array, store: TermStore): GroupPostings {
    // Per term id: its byte count (sizing pass), then its next free byte (writing pass); and the position of its last entry.
    const perTerm = store.scratch(2);
    const seen: number[] = [];
    // One pass over the spans: sizing each term's entries (no `bytes`), or writing them. The span decoding is
    // inlined (as in `TermStore.countMarked`): through `SpanReader.next` a build of a 2,500-item group took
    // ~9 ms, long enough to show in recall's p99.
    const pass = (bytes: Uint8Array | null) => {
      for (let position = 0; position < slots.length; position++) {
        const slot = slots[position]!;
        if (!live[slot]) continue;
        const span = store.read(spans[slot]!);
        const data = span.bytes;
        const ownEntries = span.own;
        const entries = ownEntries + span.context;
        let at = span.position;
        let id = 0;
        for (let e = 0; e < entries; e++) {
          if (e === ownEntries) id = 0;
          let value = data[at++]!;
          if (value >= 128) {
            value &= 127;
            for (let shift = 7; ; shift += 7) {
              const byte = data[at++]!;
              value |= (byte & 127) << shift;
              if (byte < 128) break;
            }
          }
          id += value >>> 1;
          const count = value & 1 ? data[at++]! : 1;
          const entry = entryValue(position - perTerm[2 * id + 1]!, e < ownEntries ? 0 : 1, count);
          perTerm[2 * id + 1] = position;
          // Most entries are one byte: written here, not through `writeVarint` (half the build's time).
          if (bytes) {
            let to = perTerm[2 * id]!;
            if (entry < 128) bytes[to++] = entry;
            else to = writeVarint(bytes, to, entry);
            if (count > 1) bytes[to++] = count;
            perTerm[2 * id] = to;
          } else {
            if (perTerm[2 * id] === 0) seen.push(id);
            perTerm[2 * id] += (entry < 128 ? 1 : varintLength(entry)) + (count > 1 ? 1 : 0);
          }
        }
      }
    };
    pass(null);
    // Each term's first byte; its entries' positions are counted again from 0.
    const termIds = Int32Array.from(seen).sort();
    const starts = new Int32Array(termIds.length + 1);
    for (let k = 0; k < termIds.length; k++) {
      const id = termIds[k]!;
      starts[k + 1] = starts[k]! + perTerm[2 * id]!;
      perTerm[2 * id] = starts[k]!;
      perTerm[2 * id + 1] = 0;
    }
    const bytes = new Uint8Array(starts[termIds.length]!);
    pass(bytes);
    for (const id of seen) perTerm[2 * id] = perTerm[2 * id + 1] = 0; // the scratch goes back clean
    return new GroupPostings(slots, termIds, starts, bytes);
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

  /** A reader of term k's entries, in slot-list order (an item's own text before its context). */
  entries(k: number): PostingsCursor {
    return new PostingsCursor(this.bytes, this.slots, this.starts[k]!, this.starts[k + 1]!);
  }
}

/** `while (cursor.next())` reads an entry into `slot`, `section` (0 own text, 1 context) and `count`. */
export class PostingsCursor {
  slot = -1;
  section = 0;
  count = 0;
  private position = 0;

  constructor(private readonly bytes: Uint8Array, private readonly slots: readonly number[], private at: number, private readonly end: number) {}

  next(): boolean {
    if (this.at >= this.end) return false;
    const bytes = this.bytes;
    let value = bytes[this.at++]!;
    if (value >= 128) {
      value &= 127;
      for (let shift = 7; ; shift += 7) {
        const byte = bytes[this.at++]!;
        value |= (byte & 127) << shift;
        if (byte < 128) break;
      }
    }
    this.position += value >>> 2;
    this.slot = this.slots[this.position]!;
    this.section = (value >> 1) & 1;
    this.count = value & 1 ? bytes[this.at++]! : 1;
    return true;
  }
}

/** An entry's varint: its gap in slot-list position, its section, and whether a count byte follows. */
const entryValue = (gap: number, section: number, count: number) => gap * 4 + section * 2 + (count > 1 ? 1 : 0);
