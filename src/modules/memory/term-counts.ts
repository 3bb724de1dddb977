/**
 * Every item's stored terms, packed into one growing Int32Array: a recall reads the counts of a few query
 * terms in thousands of items, and the index holds every item, so an item's terms are a span of shared
 * memory (two small integers on the item) rather than maps, strings or an array each.
 * A span: [own count n, context count m, n own entries, m context entries]; each entry is
 * `termId << 8 | count`, sorted by term id. A count of 255 means "255 or more" (the caller keeps those exactly).
 */
export const SATURATED = 255;
/** What `countMarked` answers: the item holds a match term; and one of the counts it wrote is SATURATED. */
export const HOLDS = 1;
export const HOLDS_SATURATED = 2;
/** Term ids have 23 bits: past that the dictionary is full and the index turns itself off. */
export const MAX_TERM_IDS = 1 << 23;

/** A span before it is stored (see `TermStore.encode`). */
export interface EncodedSpan { data: number[]; saturated: Map<number, number> | null }

export class TermStore {
  private ids = new Map<string, number>();
  private data = new Int32Array(1 << 16);
  private used = 0;
  private freed = 0;
  /** Per term id: the generation of the search that marked it as a match term, as a wanted term, and its column among the wanted. */
  private matchMarks = new Int32Array(0);
  private wantedMarks = new Int32Array(0);
  private columns = new Int32Array(0);
  private generation = 0;
  private borrowed = new Int32Array(0);

  /** Distinct terms seen. */
  get vocabulary(): number {
    return this.ids.size;
  }

  /** Share of the store taken by spans of items since removed. */
  get waste(): number {
    return this.used ? this.freed / this.used : 0;
  }

  /** The packed spans, read-only, for building a group's postings (`GroupPostings`). */
  get packed(): Int32Array {
    return this.data;
  }

  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** An item's span as it would be stored: [own count, context count, entries...], and the exact counts of 255 or more. */
  encode(own: string | null, context: string | null): EncodedSpan {
    const ownCounts = this.count(own);
    const contextCounts = this.count(context);
    const data = [ownCounts.size, contextCounts.size];
    let saturated: Map<number, number> | null = null;
    for (const [section, counts] of [[0, ownCounts], [1, contextCounts]] as const) {
      for (const id of [...counts.keys()].sort((a, b) => a - b)) {
        const n = counts.get(id)!;
        if (n >= SATURATED) (saturated ??= new Map()).set(2 * id + section, n);
        data.push((id << 8) | Math.min(n, SATURATED));
      }
    }
    return { data, saturated };
  }

  /** Stores an encoded span; returns its offset. */
  store(span: EncodedSpan): number {
    const offset = this.reserve(span.data.length);
    for (let i = 0; i < span.data.length; i++) this.data[offset + i] = span.data[i]!;
    return offset;
  }

  /** Whether the span at `offset` is this one (an item updated without a change to its terms keeps its span). */
  holds(offset: number, span: EncodedSpan): boolean {
    if (this.spanLength(offset) !== span.data.length) return false;
    for (let i = 0; i < span.data.length; i++) if (this.data[offset + i] !== span.data[i]) return false;
    return true;
  }

  /** The span at `offset` is no longer used. */
  free(offset: number): void {
    this.freed += this.spanLength(offset);
  }

  /** Copies the spans still in use (`offsets[i]` where `live[i]`, for i < count) to a fresh store, updating their offsets. */
  compact(offsets: Int32Array, live: Uint8Array, count: number): void {
    const old = this.data;
    this.data = new Int32Array(Math.max(1 << 16, this.used - this.freed));
    this.used = 0;
    this.freed = 0;
    for (let i = 0; i < count; i++) {
      if (!live[i]) continue;
      const from = offsets[i]!;
      const length = 2 + old[from]! + old[from + 1]!;
      const offset = this.reserve(length);
      this.data.set(old.subarray(from, from + length), offset);
      offsets[i] = offset;
    }
  }

  /**
   * Marks the terms of one search: `match` (any of them makes an item a candidate) and `wanted` (whose counts
   * ranking reads, each at its column). `countMarked` then reads each item's span once, with no search per
   * term. A new mark replaces the last, so a search marks and counts without awaiting in between.
   */
  mark(match: readonly number[], wanted: readonly number[]): void {
    if (this.matchMarks.length < this.ids.size) {
      const size = Math.max(this.ids.size, 2 * this.matchMarks.length);
      this.matchMarks = new Int32Array(size);
      this.wantedMarks = new Int32Array(size);
      this.columns = new Int32Array(size);
      this.generation = 0;
    }
    if (++this.generation === 2 ** 31) {
      this.matchMarks.fill(0);
      this.wantedMarks.fill(0);
      this.generation = 1;
    }
    for (const id of match) this.matchMarks[id] = this.generation;
    wanted.forEach((id, column) => { this.wantedMarks[id] = this.generation; this.columns[id] = column; });
  }

  /**
   * Whether the item at `offset` holds a marked match term: 0 when not, else HOLDS, or HOLDS_SATURATED when
   * one of the wanted counts written is SATURATED (the caller puts the exact count in). Writes the packed
   * counts of the wanted terms into `own` and `context` from `base` (at each term's column); terms the item
   * lacks are not written.
   */
  countMarked(offset: number, own: Float64Array, context: Float64Array, base: number): number {
    const { data, matchMarks, wantedMarks, generation, columns } = this;
    const ownEnd = offset + 2 + data[offset]!;
    const end = ownEnd + data[offset + 1]!;
    let holds = 0;
    let saturated = false;
    for (let i = offset + 2; i < end; i++) {
      const id = data[i]! >> 8;
      if (matchMarks[id] === generation) holds = HOLDS;
      if (wantedMarks[id] !== generation) continue;
      const count = data[i]! & SATURATED;
      if (i < ownEnd) own[base + columns[id]!] = count;
      else context[base + columns[id]!] = count;
      if (count === SATURATED) saturated = true;
    }
    return holds && saturated ? HOLDS_SATURATED : holds;
  }

  /** A zeroed Int32Array with a place per term id, lent to one synchronous caller, who must zero what it set. */
  scratch(): Int32Array {
    if (this.borrowed.length < this.ids.size) this.borrowed = new Int32Array(Math.max(this.ids.size, 2 * this.borrowed.length));
    return this.borrowed;
  }

  private spanLength(offset: number): number {
    return 2 + this.data[offset]! + this.data[offset + 1]!;
  }

  private reserve(length: number): number {
    if (this.used + length > this.data.length) {
      const grown = new Int32Array(Math.max(this.data.length * 2, this.used + length));
      grown.set(this.data.subarray(0, this.used));
      this.data = grown;
    }
    const offset = this.used;
    this.used += length;
    return offset;
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
