import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../../db/dialect.js';
import type { TermFrequencies } from '../../memory/score.js';
import { encodeTerm } from '../../memory/text.js';
import type { MemoryKind } from '../context/tag-index.js';
import { MAX_TERM_IDS, SATURATED, TermStore } from './term-counts.js';
import { candidateRow, inSearchScope, memoryCandidate, type MemoryCandidate, MEMORY_SOURCES, RANK_COLUMNS, type CandidateRow, type SearchScope, type ScopeStats, type StoredRow } from './search.js';

/** An item as the index keeps it: what ranking needs, and its terms packed. */
interface Entry extends CandidateRow {
  /** Offset of its terms in the index's term store. */
  terms: number;
  /** Exact counts of 255 or more, by `2 * term id + (0 own | 1 context)`; null for nearly every item. */
  saturated: Map<number, number> | null;
  /** False once the item is updated or deleted: lists drop dead entries in batches, not one by one. */
  live: boolean;
  /** The last search that looked at it (an item is in both its project's and its client's list). */
  seenBy: number;
  /** When it happened, parsed once. */
  atMs: number;
}

/** The items of one project, one client, or of neither; dead entries are swept when they are half of it. */
interface Group { entries: Entry[]; dead: number }

export interface MemoryIndexOptions {
  /** Past this many items the index stays off and recall asks the database's full-text index instead. */
  maxItems?: number;
  /** How often (MariaDB, PostgreSQL) the index checks that no other process changed the memory tables. */
  checkIntervalMs?: number;
}

const REFETCH_BATCH = 500;
const LOAD_PAGE = 5000;
const NONE: ReadonlyMap<string, number> = new Map();
const NO_TAGS: string[] = [];

/**
 * Every recallable item's ranking data, in memory, grouped by project and client: a recall looks only at
 * the items in its scope, without a query to the database's full-text index for each one. It is a copy of
 * the database, so every write to a memory table tells it (`touched`, after the commit) and the next
 * recall reads those rows again; writes made by another process are caught by a periodic comparison of
 * counts and last-update times (and on SQLite by the file's data version), which reloads the whole index.
 */
export class MemoryIndex {
  private items = new Map<MemoryKind, Map<string, Entry>>();
  private byProject = new Map<string, Group>();
  private byClient = new Map<string, Group>();
  private global: Group = { entries: [], dead: 0 };
  private terms = new TermStore();
  /** One copy of each project id, client id, label and tag, shared by every item that has it. */
  private interned = new Map<string, string>();
  private lastUpdated = new Map<MemoryKind, string>();
  private pending = new Map<MemoryKind, Set<string>>();
  private loaded: Promise<boolean> | null = null;
  private syncing: Promise<void> | null = null;
  private searches = 0;
  private checkedAt = 0;
  private dataVersion: number | null = null;
  private readonly maxItems: number;
  private readonly checkIntervalMs: number;

  constructor(private readonly db: Kysely<any>, options: MemoryIndexOptions = {}) {
    this.maxItems = options.maxItems ?? 300_000;
    this.checkIntervalMs = options.checkIntervalMs ?? 30_000;
  }

  /** Loads the index now (the server calls this at start, so the first recall does not wait). */
  warm(): Promise<boolean> {
    return (this.loaded ??= this.load().catch((err) => { this.loaded = null; throw err; }));
  }

  /** Rows of these ids changed or went away: the next recall reads them again. Call after the commit. */
  touched(kind: MemoryKind, ids: readonly string[]): void {
    if (!ids.length) return;
    let set = this.pending.get(kind);
    if (!set) this.pending.set(kind, (set = new Set()));
    for (const id of ids) set.add(id);
  }

  /** A project or client was deleted: its items lost that reference in the database (set null). */
  scopeRemoved(column: 'project_id' | 'client_id', id: string): void {
    for (const entry of (column === 'project_id' ? this.byProject : this.byClient).get(id)?.entries ?? []) {
      if (entry.live) this.touched(entry.kind, [entry.id]);
    }
  }

  /**
   * The items in scope holding any of `matchTerms` (every item in scope when there are none, newest first,
   * up to `cap` per kind), with the counts of `queryTerms`, and the size of the scope for BM25; null when
   * the index is off (too many items) and the caller should ask the database.
   */
  async search(scope: SearchScope, matchTerms: readonly string[], queryTerms: readonly string[], cap: number): Promise<{ candidates: MemoryCandidate[]; stats: ScopeStats } | null> {
    if (!(await this.warm())) return null;
    await this.sync();
    if (!(await this.warm())) return null;
    const match = matchTerms.map((t) => this.terms.idOf(encodeTerm(t))).filter((id): id is number => id !== undefined);
    const wanted: WantedTerms = { terms: [], ids: [] };
    for (const term of new Set(queryTerms)) {
      const id = this.terms.idOf(encodeTerm(term));
      if (id !== undefined) { wanted.terms.push(term); wanted.ids.push(id); }
    }
    const stats: ScopeStats = { docCount: 0, termCount: 0, contextCount: 0 };
    const candidates: MemoryCandidate[] = [];
    const recent: Entry[] = [];
    const search = ++this.searches;
    for (const group of this.inReach(scope)) {
      for (const entry of group) {
        if (!entry.live || entry.seenBy === search) continue;
        entry.seenBy = search;
        if (!inSearchScope(entry, scope)) continue;
        stats.docCount++;
        stats.termCount += entry.term_count;
        stats.contextCount += entry.context_count;
        if (!matchTerms.length) recent.push(entry);
        else if (this.terms.holdsAny(entry.terms, match)) candidates.push(this.candidate(entry, wanted, scope));
      }
    }
    if (!matchTerms.length) {
      recent.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
      const perKind = new Map<MemoryKind, number>();
      for (const entry of recent) {
        const n = perKind.get(entry.kind) ?? 0;
        if (n < cap) candidates.push(this.candidate(entry, wanted, scope));
        perKind.set(entry.kind, n + 1);
      }
    }
    return { candidates, stats };
  }

  /** The items a scope can reach: its project's, its client's and the global ones; all of them when it names neither. */
  private inReach(scope: SearchScope): Iterable<Entry>[] {
    if (!scope.projectId && !scope.clientId) return [...this.items.values()].map((items) => items.values());
    const groups = [this.global.entries];
    if (scope.projectId) groups.push(this.byProject.get(scope.projectId)?.entries ?? []);
    if (scope.clientId) groups.push(this.byClient.get(scope.clientId)?.entries ?? []);
    return groups;
  }

  /** The item as a candidate: its row, and how often each query term occurs in its text and its context. */
  private candidate(entry: Entry, wanted: WantedTerms, scope: SearchScope): MemoryCandidate {
    // [own, context] count per wanted term, read once from the term store: no map built per candidate.
    const counts: number[] = [];
    let inContext = false;
    for (const id of wanted.ids) {
      const own = this.terms.own(entry.terms, id);
      const context = this.terms.context(entry.terms, id);
      counts.push(own === SATURATED ? entry.saturated!.get(2 * id)! : own, context === SATURATED ? entry.saturated!.get(2 * id + 1)! : context);
      if (context) inContext = true;
    }
    return memoryCandidate(entry, new CountsView(wanted.terms, counts, 0), inContext ? new CountsView(wanted.terms, counts, 1) : NONE, scope, entry.atMs);
  }

  /** Applies the writes this process reported, and every so often checks for writes from elsewhere. */
  private sync(): Promise<void> {
    return (this.syncing ??= this.applyPending().finally(() => { this.syncing = null; }));
  }

  private async applyPending(): Promise<void> {
    if (await this.changedElsewhere()) {
      this.loaded = this.load();
      if (!(await this.loaded)) return;
    }
    while (this.pending.size) {
      const [kind, ids] = this.pending.entries().next().value as [MemoryKind, Set<string>];
      this.pending.delete(kind);
      const list = [...ids];
      for (let i = 0; i < list.length; i += REFETCH_BATCH) {
        const slice = list.slice(i, i + REFETCH_BATCH);
        const rows = await rankRows(this.db, kind).where('id', 'in', slice).execute() as StoredRow[];
        for (const id of slice) this.remove(kind, id);
        for (const row of rows) this.add(row);
      }
    }
    if (this.terms.waste > 0.5) this.terms.compact([...this.items.values()].flatMap((items) => [...items.values()]));
    if (this.size() > this.maxItems || this.terms.vocabulary >= MAX_TERM_IDS) {
      this.clear();
      this.loaded = Promise.resolve(false);
    }
  }

  /**
   * True when another process wrote to the memory tables: SQLite says so directly (its data version moves
   * on another connection's commit); otherwise, every `checkIntervalMs`, the index's counts and last update
   * are compared with the database's.
   */
  private async changedElsewhere(): Promise<boolean> {
    if (dialectOf(this.db) === 'sqlite') {
      const version = await this.sqliteDataVersion();
      const changed = version !== this.dataVersion;
      this.dataVersion = version;
      return changed;
    }
    if (Date.now() - this.checkedAt < this.checkIntervalMs || this.pending.size) return false;
    this.checkedAt = Date.now();
    for (const source of MEMORY_SOURCES) {
      const db = await this.db.selectFrom(source.table).select([sql<number>`count(*)`.as('n'), sql<string | null>`max(updated_at)`.as('last')]).executeTakeFirstOrThrow();
      // A later update than any seen, or a count that differs (a delete here lowers the last update: not a change).
      if (Number(db.n) !== (this.items.get(source.kind)?.size ?? 0) || (db.last ?? '') > (this.lastUpdated.get(source.kind) ?? '')) return true;
    }
    return false;
  }

  /** Reads every item; false (index off) when there are more than the index is allowed to hold. */
  private async load(): Promise<boolean> {
    this.clear();
    if (this.maxItems === 0) return false;
    if (dialectOf(this.db) === 'sqlite') this.dataVersion = await this.sqliteDataVersion();
    for (const source of MEMORY_SOURCES) {
      const { n } = await this.db.selectFrom(source.table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
      if (this.size() + Number(n) > this.maxItems) {
        this.clear();
        return false;
      }
      // In pages by id, so the rows read (their term strings are most of their size) are dropped as they go.
      for (let after = ''; ;) {
        const rows = await rankRows(this.db, source.kind).where('id', '>', after).orderBy('id').limit(LOAD_PAGE).execute() as StoredRow[];
        for (const row of rows) this.add(row);
        if (rows.length < LOAD_PAGE) break;
        after = rows.at(-1)!.id;
      }
    }
    this.checkedAt = Date.now();
    return this.terms.vocabulary < MAX_TERM_IDS;
  }

  private async sqliteDataVersion(): Promise<number> {
    const { rows } = await sql<{ data_version: number }>`pragma data_version`.execute(this.db);
    return Number(rows[0]?.data_version);
  }

  private size(): number {
    let n = 0;
    for (const items of this.items.values()) n += items.size;
    return n;
  }

  private clear(): void {
    this.items.clear();
    this.byProject.clear();
    this.byClient.clear();
    this.global = { entries: [], dead: 0 };
    this.lastUpdated.clear();
    this.terms = new TermStore();
    this.interned.clear();
  }

  private add(raw: StoredRow): void {
    const row = candidateRow(raw);
    this.remove(row.kind, row.id);
    const { offset, saturated } = this.terms.add(raw.search_terms, raw.context_terms);
    // One object per item (the row and the index's fields in one literal, so V8 gives them one shape).
    // Project and client ids, labels, tags and creation times recur (an ingest batch shares its created_at): one copy of each.
    const entry: Entry = {
      kind: row.kind, id: row.id, label: this.intern(row.label)!, project_id: this.intern(row.project_id), client_id: this.intern(row.client_id),
      tags: row.tags.length ? row.tags.map((t) => this.intern(t)!) : NO_TAGS, usage_count: row.usage_count, relevance_score: row.relevance_score,
      pinned: row.pinned, occurred_at: row.occurred_at, created_at: this.intern(row.created_at)!, expires_at: row.expires_at,
      term_count: row.term_count, context_count: row.context_count, tokens: row.tokens,
      terms: offset, saturated, live: true, seenBy: 0, atMs: Date.parse(row.occurred_at ?? row.created_at),
    };
    let items = this.items.get(row.kind);
    if (!items) this.items.set(row.kind, (items = new Map()));
    items.set(row.id, entry);
    if (raw.updated_at > (this.lastUpdated.get(row.kind) ?? '')) this.lastUpdated.set(row.kind, raw.updated_at);
    for (const group of this.groupsOf(entry, true)) group.entries.push(entry);
  }

  private remove(kind: MemoryKind, id: string): void {
    const items = this.items.get(kind);
    const entry = items?.get(id);
    if (!entry) return;
    items!.delete(id);
    entry.live = false;
    this.terms.free(entry.terms);
    for (const group of this.groupsOf(entry, false)) {
      if (++group.dead * 2 > group.entries.length) {
        group.entries = group.entries.filter((e) => e.live);
        group.dead = 0;
      }
    }
  }

  /** The groups an item belongs in: its project's and its client's, or the global one. */
  private groupsOf(row: CandidateRow, create: boolean): Group[] {
    const groups: Group[] = [];
    const find = (map: Map<string, Group>, id: string) => {
      let group = map.get(id);
      if (!group && create) map.set(id, (group = { entries: [], dead: 0 }));
      if (group) groups.push(group);
    };
    if (row.project_id) find(this.byProject, row.project_id);
    if (row.client_id) find(this.byClient, row.client_id);
    if (!row.project_id && !row.client_id) groups.push(this.global);
    return groups;
  }

  private intern(value: string | null): string | null {
    if (value === null) return null;
    const known = this.interned.get(value);
    if (known !== undefined) return known;
    this.interned.set(value, value);
    return value;
  }
}

function rankRows(db: Kysely<any>, kind: MemoryKind) {
  const source = MEMORY_SOURCES.find((s) => s.kind === kind)!;
  return db.selectFrom(source.table).select(RANK_COLUMNS(source) as any);
}

/** The query's distinct terms with their ids in the dictionary (terms the index never saw are left out). */
interface WantedTerms { terms: string[]; ids: number[] }

/** One column (own or context) of a candidate's counts, read as term frequencies. */
class CountsView implements TermFrequencies {
  constructor(private readonly terms: readonly string[], private readonly counts: readonly number[], private readonly column: 0 | 1) {}

  get(term: string): number | undefined {
    const i = this.terms.indexOf(term);
    return i < 0 ? undefined : this.counts[2 * i + this.column] || undefined;
  }

  has(term: string): boolean {
    return this.get(term) !== undefined;
  }

  keys(): string[] {
    return this.terms.filter((_, i) => this.counts[2 * i + this.column]);
  }
}
