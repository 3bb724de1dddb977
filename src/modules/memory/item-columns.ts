import type { MemoryKind } from '../context/tag-index.js';
import type { NumberedTags } from '../../memory/score.js';
import { ItemIds } from './item-ids.js';
import { isoMillis, type CandidateRow } from './search.js';

const KINDS: readonly MemoryKind[] = ['context_snippet', 'conversation_context', 'decision_log'];
/** The tags of every untagged item: frozen, since it is shared. */
const NO_TAGS = Object.freeze([]) as unknown as string[];

/** Bits of `ItemColumns.timeFlags`. */
const OCCURRED = 1;
/** Its occurred_at or created_at is not in the server's own form: both are kept as strings (`oddTimes`). */
const ODD_TIMES = 2;
const EXPIRES = 4;

/**
 * The memory index's items, one slot each, stored by column in typed arrays: numbers as they are; ids
 * as bits (`ItemIds`); times as milliseconds (the server writes them in one form, which round-trips);
 * labels, projects, clients and tag lists as indexes into tables of the few distinct ones. A hundred
 * thousand items then cost ~12 MB off the heap instead of ~35 MB of strings and arrays on it, which the
 * garbage collector would walk on every major collection.
 * A removed item's slot stays dead (its group lists may still name it) until `compact` rebuilds the table.
 */
export class ItemColumns {
  size = 0;
  dead = 0;
  kind = new Uint8Array(1024);
  live = new Uint8Array(1024);
  pinned = new Uint8Array(1024);
  usage = new Int32Array(1024);
  termCount = new Int32Array(1024);
  contextCount = new Int32Array(1024);
  tokens = new Int32Array(1024);
  /** Offset of the item's terms in the term store. */
  terms = new Int32Array(1024);
  /** The last search that counted the item as in its scope (it is in both its project's and its client's list). */
  seenBy = new Int32Array(1024);
  /** The last search that found the item, and where in its list of found items (-1: counted by a scan of its terms). */
  foundBy = new Int32Array(1024);
  foundAt = new Int32Array(1024);
  relevance = new Float64Array(1024);
  /** When it happened (occurred_at, else created_at), parsed once. */
  atMs = new Float64Array(1024);
  /** 1 when that time is in the server's own form, so comparing `atMs` is comparing the strings (see `isoMillis`). */
  atIso = new Uint8Array(1024);
  /** created_at as `isoMillis` reads it (NaN when in another form): the order a capped search keeps the newest in. */
  createdMs = new Float64Array(1024);
  /** Its updated_at, parsed: how a check against the database sees that it changed. */
  updatedMs = new Float64Array(1024);
  /** OCCURRED | ODD_TIMES | EXPIRES. */
  private timeFlags = new Uint8Array(1024);
  private labelAt = new Int32Array(1024);
  /** Project and client ids as their numbers in `strings` (0: null): one string is one number, so equal numbers are equal ids. */
  projectAt = new Int32Array(1024);
  clientAt = new Int32Array(1024);
  /** The number of the item's tag list in `tagTable.lists`. */
  tagsAt = new Int32Array(1024);
  /** Exact counts of 255 or more, by slot, then by `2 * term id + (0 own | 1 context)`. */
  saturated = new Map<number, Map<number, number>>();
  private ids = new ItemIds();
  /** The times of items whose times are not in the server's own form, as given; and every expiry (few items have one). */
  private oddTimes = new Map<number, { occurred_at: string | null; created_at: string }>();
  private expiries = new Map<number, string>();
  /** Labels, project and client ids (null at 0), and tag lists (none at 0): each distinct one once. */
  private strings: (string | null)[] = [null];
  private stringAt = new Map<string, number>();
  private tagLists: string[][] = [NO_TAGS];
  private tagListAt = new Map<string, number>();
  /**
   * Every tag list and every tag numbered, for ranking (`NumberedTags` without `listOf`): it counts a list's
   * hits once, comparing numbers. Only ever appended to, so a search's list numbers stay good while it ranks.
   */
  readonly tagTable: Omit<NumberedTags, 'listOf'> = { lists: this.tagLists, ids: [new Int32Array(0)], idOf: new Map<string, number>() };

  /** Stores a row; returns its slot. */
  add(row: CandidateRow, updatedMs: number, terms: number, saturated: Map<number, number> | null): number {
    if (this.size === this.kind.length) this.grow();
    const slot = this.size++;
    this.seenBy[slot] = 0;
    this.foundBy[slot] = 0;
    this.kind[slot] = KINDS.indexOf(row.kind);
    this.ids.set(slot, this.kind[slot]!, row.id);
    this.write(slot, row, updatedMs, terms, saturated);
    return slot;
  }

  /** The slot of a live item, if the table holds it. */
  find(kind: MemoryKind, id: string): number | undefined {
    return this.ids.get(KINDS.indexOf(kind), id);
  }

  /** Stores a row in its slot: a new one, or the item's own when it changed in place (same id, scope and terms). */
  write(slot: number, row: CandidateRow, updatedMs: number, terms: number, saturated: Map<number, number> | null): void {
    this.labelAt[slot] = this.stringIndex(row.label);
    this.projectAt[slot] = this.stringIndex(row.project_id);
    this.clientAt[slot] = this.stringIndex(row.client_id);
    this.tagsAt[slot] = row.tags.length ? this.tagListIndex(row.tags) : 0;
    this.live[slot] = 1;
    this.pinned[slot] = row.pinned ? 1 : 0;
    this.usage[slot] = row.usage_count;
    this.termCount[slot] = row.term_count;
    this.contextCount[slot] = row.context_count;
    this.tokens[slot] = row.tokens;
    this.terms[slot] = terms;
    this.relevance[slot] = row.relevance_score;
    const at = row.occurred_at ?? row.created_at;
    this.atMs[slot] = Date.parse(at);
    this.atIso[slot] = Number.isNaN(isoMillis(at)) ? 0 : 1;
    this.createdMs[slot] = isoMillis(row.created_at);
    this.updatedMs[slot] = updatedMs;
    // Times in the server's own form are their milliseconds, written back exactly (see `isoMillis`).
    const odd = !this.atIso[slot] || Number.isNaN(this.createdMs[slot]);
    this.timeFlags[slot] = (row.occurred_at !== null ? OCCURRED : 0) | (odd ? ODD_TIMES : 0) | (row.expires_at !== null ? EXPIRES : 0);
    if (odd) this.oddTimes.set(slot, { occurred_at: row.occurred_at, created_at: row.created_at });
    else this.oddTimes.delete(slot);
    if (row.expires_at !== null) this.expiries.set(slot, row.expires_at);
    else this.expiries.delete(slot);
    if (saturated) this.saturated.set(slot, saturated);
    else this.saturated.delete(slot);
  }

  /** The item goes: its slot stays readable (a recall in flight may show it) until `compacted` leaves it out. */
  remove(slot: number): void {
    this.ids.delete(this.kind[slot]!, this.idOf(slot));
    this.live[slot] = 0;
    this.saturated.delete(slot);
    this.dead++;
  }

  kindOf(slot: number): MemoryKind {
    return KINDS[this.kind[slot]!]!;
  }

  idOf(slot: number): string {
    return this.ids.idOf(slot);
  }

  projectOf(slot: number): string | null {
    return this.strings[this.projectAt[slot]!]!;
  }

  clientOf(slot: number): string | null {
    return this.strings[this.clientAt[slot]!]!;
  }

  /** Its tags: a frozen list shared by every item with the same ones. */
  tagsOf(slot: number): string[] {
    return this.tagLists[this.tagsAt[slot]!]!;
  }

  /** occurred_at, else created_at: the time `atMs` holds. */
  atOf(slot: number): string {
    return this.timeFlags[slot]! & ODD_TIMES ? this.oddTimes.get(slot)!.occurred_at ?? this.oddTimes.get(slot)!.created_at : isoString(this.atMs[slot]!);
  }

  occurredAtOf(slot: number): string | null {
    return this.timeFlags[slot]! & OCCURRED ? this.atOf(slot) : null;
  }

  createdAtOf(slot: number): string {
    return this.timeFlags[slot]! & ODD_TIMES ? this.oddTimes.get(slot)!.created_at : isoString(this.createdMs[slot]!);
  }

  expiresAtOf(slot: number): string | null {
    return this.timeFlags[slot]! & EXPIRES ? this.expiries.get(slot)! : null;
  }

  /** The item as a row, for the items a search hands to ranking. */
  row(slot: number): CandidateRow {
    return {
      kind: this.kindOf(slot), id: this.idOf(slot), label: this.strings[this.labelAt[slot]!]!, project_id: this.projectOf(slot), client_id: this.clientOf(slot),
      tags: this.tagsOf(slot), usage_count: this.usage[slot]!, relevance_score: this.relevance[slot]!, pinned: this.pinned[slot] === 1,
      occurred_at: this.occurredAtOf(slot), created_at: this.createdAtOf(slot), expires_at: this.expiresAtOf(slot),
      term_count: this.termCount[slot]!, context_count: this.contextCount[slot]!, tokens: this.tokens[slot]!,
    };
  }

  /** A new table holding only the live items, in slot order; `moved(old, slot)` reports each one's new slot. */
  compacted(moved: (oldSlot: number, slot: number) => void): ItemColumns {
    // A fresh table indexes afresh: labels, scopes and tag lists only removed items had are dropped with them.
    const next = new ItemColumns();
    for (let slot = 0; slot < this.size; slot++) {
      if (!this.live[slot]) continue;
      moved(slot, next.add(this.row(slot), this.updatedMs[slot]!, this.terms[slot]!, this.saturated.get(slot) ?? null));
    }
    return next;
  }

  private grow(): void {
    const n = this.kind.length * 2;
    const grown = <T extends Uint8Array | Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.kind = grown(this.kind);
    this.live = grown(this.live);
    this.pinned = grown(this.pinned);
    this.usage = grown(this.usage);
    this.termCount = grown(this.termCount);
    this.contextCount = grown(this.contextCount);
    this.tokens = grown(this.tokens);
    this.terms = grown(this.terms);
    this.seenBy = grown(this.seenBy);
    this.foundBy = grown(this.foundBy);
    this.foundAt = grown(this.foundAt);
    this.relevance = grown(this.relevance);
    this.atMs = grown(this.atMs);
    this.atIso = grown(this.atIso);
    this.createdMs = grown(this.createdMs);
    this.updatedMs = grown(this.updatedMs);
    this.timeFlags = grown(this.timeFlags);
    this.labelAt = grown(this.labelAt);
    this.projectAt = grown(this.projectAt);
    this.clientAt = grown(this.clientAt);
    this.tagsAt = grown(this.tagsAt);
    this.ids.grow(n);
  }

  /** One frozen copy of each tag list: items share a handful of them, and ranking counts each list's hits once. */
  private tagListIndex(tags: readonly string[]): number {
    const key = JSON.stringify(tags);
    let at = this.tagListAt.get(key);
    if (at === undefined) {
      at = this.tagLists.push(Object.freeze([...tags]) as string[]) - 1;
      this.tagListAt.set(key, at);
      const idOf = this.tagTable.idOf as Map<string, number>;
      (this.tagTable.ids as Int32Array[]).push(Int32Array.from(tags, (tag) => {
        let id = idOf.get(tag);
        if (id === undefined) idOf.set(tag, (id = idOf.size));
        return id;
      }));
    }
    return at;
  }

  /** The number `projectAt` and `clientAt` give this id, -1 when no item has it (0 for null). */
  stringNumber(value: string | null): number {
    return value === null ? 0 : this.stringAt.get(value) ?? -1;
  }

  private stringIndex(value: string | null): number {
    if (value === null) return 0;
    let at = this.stringAt.get(value);
    if (at === undefined) {
      at = this.strings.push(value) - 1;
      this.stringAt.set(value, at);
    }
    return at;
  }
}

const isoString = (ms: number) => new Date(ms).toISOString();
