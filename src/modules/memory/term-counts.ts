/**
 * Every item's stored terms, packed into Int32Array chunks: a recall reads the counts of a few query
 * terms in thousands of items, and the index holds every item, so an item's terms are a span of shared
 * memory (one integer on the item) rather than maps, strings or an array each.
 * A span: [own count n, context count m, n own entries, m context entries]; each entry is
 * `termId << 8 | count`, sorted by term id. A count of 255 means "255 or more" (the caller keeps those exactly).
 * A span's offset is `chunk << POSITION_BITS | position`: `chunkOf` and `positionOf` read it back.
 * Chunks rather than one array grown by doubling: growth copies nothing, and no half-empty array (nor,
 * until the next major GC, the array it replaced) sits in memory: at 100k items that was ~30 MB.
 */
export const SATURATED = 255;
/** What `countMarked` answers: the item holds a match term; and one of the counts it wrote is SATURATED. */
export const HOLDS = 1;
export const HOLDS_SATURATED = 2;
/** Term ids have 23 bits: past that the dictionary is full and the index turns itself off. */
export const MAX_TERM_IDS = 1 << 23;

const POSITION_BITS = 21;
const POSITION_MASK = (1 << POSITION_BITS) - 1;
/** Offsets are positive Int32s: this many chunks at most (with 1 MB chunks, 1 GB of terms). */
const MAX_CHUNKS = 1 << (31 - POSITION_BITS);
/** A chunk's size (1 MB); a span longer than that gets a chunk of its own. */
const CHUNK_INTS = 1 << 18;

/** The chunk a span is in (an index into `TermStore.chunks`) and where in it the span starts. */
export const chunkOf = (offset: number): number => offset >>> POSITION_BITS;
export const positionOf = (offset: number): number => offset & POSITION_MASK;

/** A span before it is stored (see `TermStore.encode`). */
export interface EncodedSpan { data: number[]; saturated: Map<number, number> | null }

export class TermStore {
  private ids = new Map<string, number>();
  private chunkList: Int32Array[] = [];
  /** Ints taken in the last chunk. */
  private tail = 0;
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

  /** The chunks of packed spans, read-only, for building a group's postings (`GroupPostings`). */
  get chunks(): readonly Int32Array[] {
    return this.chunkList;
  }

  /** Set for good once a span did not fit (the store is at its largest): the index then turns itself off. */
  full = false;

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

  /** Stores an encoded span; returns its offset, or -1 (and sets `full`) when the store has no room left. */
  store(span: EncodedSpan): number {
    const offset = this.reserve(span.data.length);
    if (offset < 0) return offset;
    this.chunkList[chunkOf(offset)]!.set(span.data, positionOf(offset));
    return offset;
  }

  /** Whether the span at `offset` is this one (an item updated without a change to its terms keeps its span). */
  holds(offset: number, span: EncodedSpan): boolean {
    if (this.spanLength(offset) !== span.data.length) return false;
    const chunk = this.chunkList[chunkOf(offset)]!;
    const start = positionOf(offset);
    for (let i = 0; i < span.data.length; i++) if (chunk[start + i] !== span.data[i]) return false;
    return true;
  }

  /** The span at `offset` is no longer used. */
  free(offset: number): void {
    this.freed += this.spanLength(offset);
  }

  /** Copies the spans still in use (`offsets[i]` where `live[i]`, for i < count) to a fresh store, updating their offsets. */
  compact(offsets: Int32Array, live: Uint8Array, count: number): void {
    const old = this.chunkList;
    this.chunkList = [];
    this.tail = 0;
    this.used = 0;
    this.freed = 0;
    for (let i = 0; i < count; i++) {
      if (!live[i]) continue;
      const from = old[chunkOf(offsets[i]!)]!;
      const start = positionOf(offsets[i]!);
      const length = 2 + from[start]! + from[start + 1]!;
      const offset = this.reserve(length); // never -1: the live spans fitted before
      this.chunkList[chunkOf(offset)]!.set(from.subarray(start, start + length), positionOf(offset));
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
    const { matchMarks, wantedMarks, generation, columns } = this;
    const data = this.chunkList[chunkOf(offset)]!;
    const start = positionOf(offset);
    const ownEnd = start + 2 + data[start]!;
    const end = ownEnd + data[start + 1]!;
    let holds = 0;
    let saturated = false;
    for (let i = start + 2; i < end; i++) {
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

  /** A zeroed Int32Array with `width` places per term id, lent to one synchronous caller, who must zero what it set. */
  scratch(width = 1): Int32Array {
    const size = width * this.ids.size;
    if (this.borrowed.length < size) this.borrowed = new Int32Array(Math.max(size, 2 * this.borrowed.length));
    return this.borrowed;
  }

  private spanLength(offset: number): number {
    const chunk = this.chunkList[chunkOf(offset)]!;
    const start = positionOf(offset);
    return 2 + chunk[start]! + chunk[start + 1]!;
  }

  /** Room for a span of `length` ints, in the last chunk or a new one: its offset, or -1 when there is none. */
  private reserve(length: number): number {
    const last = this.chunkList.at(-1);
    if (!last || this.tail + length > last.length) {
      if (this.chunkList.length === MAX_CHUNKS || length > POSITION_MASK + 1) {
        this.full = true;
        return -1;
      }
      this.chunkList.push(new Int32Array(Math.max(CHUNK_INTS, length)));
      this.tail = 0;
    }
    const offset = ((this.chunkList.length - 1) << POSITION_BITS) | this.tail;
    this.tail += length;
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
