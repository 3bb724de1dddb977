import type { MemoryKind } from '../context/tag-index.js';
import { isoMillis, type CandidateRow } from './search.js';

const KINDS: readonly MemoryKind[] = ['context_snippet', 'conversation_context', 'decision_log'];
/** The tags of every untagged item: frozen, since it is shared. */
const NO_TAGS = Object.freeze([]) as unknown as string[];

/**
 * The memory index's items, one slot each, stored by column: numbers in typed arrays, strings in plain
 * arrays (recurring ones shared). A hundred thousand items then cost a few MB of arrays instead of a
 * hundred thousand objects for the garbage collector to walk on every major collection.
 * A removed item's slot stays dead (its group lists may still name it) until `compact` rebuilds the table.
 */
export class ItemColumns {
  size = 0;
  dead = 0;
  id: string[] = [];
  label: string[] = [];
  projectId: (string | null)[] = [];
  clientId: (string | null)[] = [];
  tags: string[][] = [];
  occurredAt: (string | null)[] = [];
  createdAt: string[] = [];
  expiresAt: (string | null)[] = [];
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
  /** Exact counts of 255 or more, by slot, then by `2 * term id + (0 own | 1 context)`. */
  saturated = new Map<number, Map<number, number>>();
  private interned = new Map<string, string>();
  private internedTags = new Map<string, string[]>();

  /** Stores a row; returns its slot. */
  add(row: CandidateRow, updatedMs: number, terms: number, saturated: Map<number, number> | null): number {
    if (this.size === this.kind.length) this.grow();
    const slot = this.size++;
    this.seenBy[slot] = 0;
    this.foundBy[slot] = 0;
    this.write(slot, row, updatedMs, terms, saturated);
    return slot;
  }

  /** Stores a row in its slot: a new one, or the item's own when it changed in place (same scope, same terms). */
  write(slot: number, row: CandidateRow, updatedMs: number, terms: number, saturated: Map<number, number> | null): void {
    this.id[slot] = row.id;
    this.label[slot] = this.intern(row.label);
    this.projectId[slot] = row.project_id === null ? null : this.intern(row.project_id);
    this.clientId[slot] = row.client_id === null ? null : this.intern(row.client_id);
    this.tags[slot] = row.tags.length ? this.internTags(row.tags) : NO_TAGS;
    this.occurredAt[slot] = row.occurred_at;
    // An ingest batch shares its created_at: one copy.
    this.createdAt[slot] = this.intern(row.created_at);
    this.expiresAt[slot] = row.expires_at;
    this.kind[slot] = KINDS.indexOf(row.kind);
    this.live[slot] = 1;
    this.pinned[slot] = row.pinned ? 1 : 0;
    this.usage[slot] = row.usage_count;
    this.termCount[slot] = row.term_count;
    this.contextCount[slot] = row.context_count;
    this.tokens[slot] = row.tokens;
    this.terms[slot] = terms;
    this.relevance[slot] = row.relevance_score;
    this.atMs[slot] = Date.parse(row.occurred_at ?? row.created_at);
    this.atIso[slot] = Number.isNaN(isoMillis(row.occurred_at ?? row.created_at)) ? 0 : 1;
    this.createdMs[slot] = isoMillis(row.created_at);
    this.updatedMs[slot] = updatedMs;
    if (saturated) this.saturated.set(slot, saturated);
    else this.saturated.delete(slot);
  }

  remove(slot: number): void {
    this.live[slot] = 0;
    this.saturated.delete(slot);
    this.dead++;
  }

  kindOf(slot: number): MemoryKind {
    return KINDS[this.kind[slot]!]!;
  }

  /** The item as a row, for the items a search hands to ranking. */
  row(slot: number): CandidateRow {
    return {
      kind: this.kindOf(slot), id: this.id[slot]!, label: this.label[slot]!, project_id: this.projectId[slot]!, client_id: this.clientId[slot]!,
      tags: this.tags[slot]!, usage_count: this.usage[slot]!, relevance_score: this.relevance[slot]!, pinned: this.pinned[slot] === 1,
      occurred_at: this.occurredAt[slot]!, created_at: this.createdAt[slot]!, expires_at: this.expiresAt[slot]!,
      term_count: this.termCount[slot]!, context_count: this.contextCount[slot]!, tokens: this.tokens[slot]!,
    };
  }

  /** A new table holding only the live items, in slot order; `moved(old, slot)` reports each one's new slot. */
  compacted(moved: (oldSlot: number, slot: number) => void): ItemColumns {
    // A fresh table interns afresh: values only removed items had are dropped with them.
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
  }

  /** One frozen copy of each tag list: items share a handful of them, and ranking counts each list's hits once. */
  private internTags(tags: readonly string[]): string[] {
    const key = JSON.stringify(tags);
    let list = this.internedTags.get(key);
    if (!list) this.internedTags.set(key, (list = Object.freeze(tags.map((t) => this.intern(t))) as string[]));
    return list;
  }

  private intern(value: string): string {
    const known = this.interned.get(value);
    if (known !== undefined) return known;
    this.interned.set(value, value);
    return value;
  }
}
