import { writeVarint } from './varint.js';

/**
 * Every item's stored terms, packed into byte chunks: a recall reads the counts of a few query terms in
 * thousands of items, and the index holds every item, so an item's terms are a span of shared memory
 * (one integer on the item) rather than maps, strings or an array each.
 * A span: varints of its own entry count n, its context entry count m and its entries' byte length, then
 * n own entries and m context entries, each sorted by term id: a varint `gap << 1 | (count > 1)`, where
 * `gap` is the term id less the previous entry's in its section, then the count in a byte when it is more
 * than 1. A count of 255 means "255 or more" (the caller keeps those exactly). Most entries take one or
 * two bytes, where an Int32 per entry took four. `SpanReader` reads them back.
 * A span's offset is `chunk << POSITION_BITS | position`: `chunkOf` and `positionOf` read it back.
 * Chunks rather than one array grown by doubling: growth copies nothing, and no half-empty array (nor,
 * until the next major GC, the array it replaced) sits in memory.
 */
export const SATURATED = 255;
/** What `countMarked` answers: the item holds a match term; and one of the counts it wrote is SATURATED. */
export const HOLDS = 1;
export const HOLDS_SATURATED = 2;
/** Term ids have 23 bits: past that the dictionary is full and the index turns itself off. */
export const MAX_TERM_IDS = 1 << 23;

const POSITION_BITS = 22;
const POSITION_MASK = (1 << POSITION_BITS) - 1;
/** Offsets are positive Int32s: this many chunks at most (with 1 MB chunks, 512 MB of terms). */
const MAX_CHUNKS = 1 << (31 - POSITION_BITS);
/** A chunk's size (1 MB); a span longer than that gets a chunk of its own. */
const CHUNK_BYTES = 1 << 20;

/** The chunk a span is in (an index into `TermStore.chunks`) and where in it the span starts. */
const chunkOf = (offset: number): number => offset >>> POSITION_BITS;
const positionOf = (offset: number): number => offset & POSITION_MASK;

/** A span before it is stored (see `TermStore.encode`): its bytes. */
export interface EncodedSpan { bytes: number[]; saturated: Map<number, number> | null }

/**
 * Reads a stored span: `open` it, then `while (reader.next())` gives each entry's `id`, `section` (0 own
 * text, 1 context) and `count`. One reader is reused, so reading allocates nothing.
 */
export class SpanReader {
  /** Entries in the open span: its own text's, and its context's. */
  own = 0;
  context = 0;
  /** The open span's bytes, header included. */
  length = 0;
  id = 0;
  section = 0;
  count = 0;
  private data: Uint8Array = new Uint8Array(0);
  private at = 0;
  private read = 0;

  /** The open span's chunk, and where its first entry starts (before any `next`). */
  get bytes(): Uint8Array {
    return this.data;
  }

  get position(): number {
    return this.at;
  }

  open(chunks: readonly Uint8Array[], offset: number): this {
    this.data = chunks[chunkOf(offset)]!;
    this.at = positionOf(offset);
    const start = this.at;
    this.own = this.varint();
    this.context = this.varint();
    this.length = this.varint(); // the entries' bytes
    this.length += this.at - start; // and the header's
    this.read = 0;
    this.id = 0;
    return this;
  }

  next(): boolean {
    if (this.read === this.own + this.context) return false;
    if (this.read++ === this.own) this.id = 0; // the context's entries start over
    const value = this.varint();
    this.id += value >>> 1;
    this.section = this.read > this.own ? 1 : 0;
    this.count = value & 1 ? this.data[this.at++]! : 1;
    return true;
  }

  private varint(): number {
    const data = this.data;
    let value = data[this.at++]!;
    if (value < 128) return value;
    value &= 127;
    for (let shift = 7; ; shift += 7) {
      const byte = data[this.at++]!;
      value |= (byte & 127) << shift;
      if (byte < 128) return value >>> 0;
    }
  }
}

export class TermStore {
  /** `chunkBytes`: the size of a chunk (tests make it small to cross chunks with a few spans). */
  constructor(private readonly chunkBytes = CHUNK_BYTES) {}

  private ids = new Map<string, number>();
  private chunkList: Uint8Array[] = [];
  private readonly reader = new SpanReader();
  /** Bytes taken in the last chunk. */
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
  get chunks(): readonly Uint8Array[] {
    return this.chunkList;
  }

  /** The shared reader, open at the span at `offset`: good until the next call (see `SpanReader`). */
  read(offset: number): SpanReader {
    return this.reader.open(this.chunkList, offset);
  }

  /** Set for good once a span did not fit (the store is at its largest): the index then turns itself off. */
  full = false;

  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** An item's span as it would be stored (see the format above), and the exact counts of 255 or more. */
  encode(own: string | null, context: string | null): EncodedSpan {
    const ownCounts = this.count(own);
    const contextCounts = this.count(context);
    const entries: number[] = [];
    let saturated: Map<number, number> | null = null;
    for (const [section, counts] of [[0, ownCounts], [1, contextCounts]] as const) {
      let previous = 0;
      for (const id of [...counts.keys()].sort((a, b) => a - b)) {
        const n = counts.get(id)!;
        if (n >= SATURATED) (saturated ??= new Map()).set(2 * id + section, n);
        writeVarint(entries, entries.length, (id - previous) * 2 + (n > 1 ? 1 : 0));
        if (n > 1) entries.push(Math.min(n, SATURATED));
        previous = id;
      }
    }
    const bytes: number[] = [];
    writeVarint(bytes, bytes.length, ownCounts.size);
    writeVarint(bytes, bytes.length, contextCounts.size);
    writeVarint(bytes, bytes.length, entries.length);
    for (const byte of entries) bytes.push(byte);
    return { bytes, saturated };
  }

  /** Stores an encoded span; returns its offset, or -1 (and sets `full`) when the store has no room left. */
  store(span: EncodedSpan): number {
    const offset = this.reserve(span.bytes.length);
    if (offset < 0) return offset;
    this.chunkList[chunkOf(offset)]!.set(span.bytes, positionOf(offset));
    return offset;
  }

  /** Whether the span at `offset` is this one (an item updated without a change to its terms keeps its span). */
  holds(offset: number, span: EncodedSpan): boolean {
    if (this.spanLength(offset) !== span.bytes.length) return false;
    const chunk = this.chunkList[chunkOf(offset)]!;
    const start = positionOf(offset);
    for (let i = 0; i < span.bytes.length; i++) if (chunk[start + i] !== span.bytes[i]) return false;
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
      const length = this.reader.open(old, offsets[i]!).length;
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
    // The hottest loop of a recall that scans: `SpanReader.next` inlined by hand into locals (through the
    // reader's fields it took half as long again).
    const span = this.read(offset);
    const data = span.bytes;
    const ownEntries = span.own;
    const entries = ownEntries + span.context;
    let at = span.position;
    let id = 0;
    let holds = 0;
    let saturated = false;
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
      if (matchMarks[id] === generation) holds = HOLDS;
      if (wantedMarks[id] !== generation) continue;
      if (e < ownEntries) own[base + columns[id]!] = count;
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
    return this.reader.open(this.chunkList, offset).length;
  }

  /** Room for a span of `length` bytes, in the last chunk or a new one: its offset, or -1 when there is none. */
  private reserve(length: number): number {
    const last = this.chunkList.at(-1);
    if (!last || this.tail + length > last.length) {
      if (this.chunkList.length === MAX_CHUNKS || length > POSITION_MASK + 1) {
        this.full = true;
        return -1;
      }
      this.chunkList.push(new Uint8Array(Math.max(this.chunkBytes, length)));
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
