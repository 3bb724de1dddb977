/**
 * The memory index's item ids, by slot, and the slot of each (kind, id). Ids are UUIDs in their canonical
 * form (the server writes uuidv7), so each is kept as its 128 bits in a typed array and found through an
 * open-addressing table of slots: ~24 B an item, where a string and a Map entry each cost ~95 B and
 * ~12 MB of heap at 100k items. An id in any other form (an imported row's) is kept as a string beside.
 */
const EMPTY = 0;
const REMOVED = -1;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const DASH = 45;

export class ItemIds {
  /** Four int32s per slot: the id's bits, when it is a canonical UUID. */
  private words = new Int32Array(4 * 1024);
  private kinds = new Uint8Array(1024);
  /** Slot + 1 per bucket; EMPTY, or REMOVED where an id was deleted (a lookup probes past it). */
  private buckets = new Int32Array(2048);
  /** Buckets not EMPTY: live ids and REMOVED marks, which both lengthen probes. */
  private filled = 0;
  private readonly parsed = new Int32Array(4);
  /** Ids not in canonical UUID form: by kind and id, and by slot. */
  private otherSlots = new Map<string, number>();
  private otherIds = new Map<number, string>();

  /** Room for slots below `capacity`. */
  grow(capacity: number): void {
    if (capacity <= this.kinds.length) return;
    const words = new Int32Array(4 * capacity);
    words.set(this.words);
    this.words = words;
    const kinds = new Uint8Array(capacity);
    kinds.set(this.kinds);
    this.kinds = kinds;
  }

  /** The slot holding (kind, id), if any. */
  get(kind: number, id: string): number | undefined {
    if (!this.parse(id)) return this.otherSlots.get(otherKey(kind, id));
    const at = this.probe(kind);
    return at < 0 ? undefined : this.buckets[at]! - 1;
  }

  /** Records that `slot` holds (kind, id); the pair must not be held already. */
  set(slot: number, kind: number, id: string): void {
    this.kinds[slot] = kind;
    if (!this.parse(id)) {
      this.otherSlots.set(otherKey(kind, id), slot);
      this.otherIds.set(slot, id);
      return;
    }
    this.words.set(this.parsed, 4 * slot);
    if (2 * (this.filled + 1) > this.buckets.length) this.rehash(2 * this.buckets.length);
    let at = this.hash(kind) & (this.buckets.length - 1);
    while (this.buckets[at]! > 0) at = (at + 1) & (this.buckets.length - 1);
    if (this.buckets[at] === EMPTY) this.filled++;
    this.buckets[at] = slot + 1;
  }

  /** Forgets (kind, id). `idOf` still answers for its slot: a search in flight may show it. */
  delete(kind: number, id: string): void {
    if (!this.parse(id)) {
      const slot = this.otherSlots.get(otherKey(kind, id));
      if (slot !== undefined) this.otherSlots.delete(otherKey(kind, id));
      return;
    }
    const at = this.probe(kind);
    if (at >= 0) this.buckets[at] = REMOVED;
  }

  /** The id held in `slot`, as the database has it. */
  idOf(slot: number): string {
    const other = this.otherIds.get(slot);
    if (other !== undefined) return other;
    const w = this.words;
    const a = hex(w[4 * slot]!);
    const b = hex(w[4 * slot + 1]!);
    const c = hex(w[4 * slot + 2]!);
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${hex(w[4 * slot + 3]!)}`;
  }

  /** The bucket of (kind, the parsed id), or -1. */
  private probe(kind: number): number {
    const { buckets, words, parsed } = this;
    const mask = buckets.length - 1;
    for (let at = this.hash(kind) & mask; ; at = (at + 1) & mask) {
      const entry = buckets[at]!;
      if (entry === EMPTY) return -1;
      if (entry === REMOVED) continue;
      const w = 4 * (entry - 1);
      if (this.kinds[entry - 1] === kind && words[w] === parsed[0] && words[w + 1] === parsed[1] && words[w + 2] === parsed[2] && words[w + 3] === parsed[3]) return at;
    }
  }

  /** The live entries in a table of `size` buckets, without the REMOVED marks. */
  private rehash(size: number): void {
    const old = this.buckets;
    // Mostly REMOVED marks: clearing them is enough, no need to grow.
    let live = 0;
    for (const entry of old) if (entry > 0) live++;
    if (4 * (live + 1) <= old.length) size = old.length;
    this.buckets = new Int32Array(size);
    this.filled = live;
    const saved = Int32Array.from(this.parsed);
    for (const entry of old) {
      if (entry <= 0) continue;
      const slot = entry - 1;
      this.parsed.set(this.words.subarray(4 * slot, 4 * slot + 4));
      let at = this.hash(this.kinds[slot]!) & (size - 1);
      while (this.buckets[at] !== EMPTY) at = (at + 1) & (size - 1);
      this.buckets[at] = entry;
    }
    this.parsed.set(saved);
  }

  private hash(kind: number): number {
    const p = this.parsed;
    let h = Math.imul(p[0]! ^ kind, 0x9e3779b1);
    h = Math.imul(h ^ p[1]! ^ (h >>> 15), 0x85ebca6b);
    h = Math.imul(h ^ p[2]! ^ (h >>> 13), 0xc2b2ae35);
    h = Math.imul(h ^ p[3]! ^ (h >>> 16), 0x9e3779b1);
    return (h ^ (h >>> 15)) >>> 0;
  }

  /** Reads a canonical (lowercase, dashed) UUID into `parsed`; false for any other form. */
  private parse(id: string): boolean {
    if (id.length !== 36) return false;
    let word = 0;
    let digits = 0;
    let w = 0;
    const p = this.parsed;
    for (let i = 0; i < 36; i++) {
      const c = id.charCodeAt(i);
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        if (c !== DASH) return false;
        continue;
      }
      const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (v < 0) return false;
      word = (word << 4) | v;
      if (++digits === 8) {
        p[w++] = word;
        word = 0;
        digits = 0;
      }
    }
    return true;
  }
}

const otherKey = (kind: number, id: string) => `${kind}:${id}`;
const hex = (w: number) => HEX[w >>> 24]! + HEX[(w >>> 16) & 255]! + HEX[(w >>> 8) & 255]! + HEX[w & 255]!;
