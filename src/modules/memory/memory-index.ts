import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../../db/dialect.js';
import { encodeTerm } from '../../memory/text.js';
import type { MemoryKind } from '../context/tag-index.js';
import { candidateRow, inSearchScope, MEMORY_SOURCES, RANK_COLUMNS, type CandidateRow, type SearchScope, type ScopeStats, type StoredRow } from './search.js';

/** An item as the index keeps it: what ranking needs, with its terms as [term id, count] pairs sorted by id. */
interface IndexedItem {
  key: string;
  row: CandidateRow;
  own: Int32Array;
  context: Int32Array;
}

/** A candidate found in the index: its row and the counts of the query's terms in its text and context. */
export interface IndexedCandidate {
  row: CandidateRow;
  termFrequencies: Map<string, number>;
  contextFrequencies: Map<string, number>;
}

const REFETCH_BATCH = 500;
export interface MemoryIndexOptions {
  /** Past this many items the index stays off and recall asks the database's full-text index instead. */
  maxItems?: number;
  /** How often (MariaDB, PostgreSQL) the index checks that no other process changed the memory tables. */
  checkIntervalMs?: number;
}

const keyOf = (kind: MemoryKind, id: string) => `${kind}:${id}`;

/**
 * Every recallable item's ranking data, in memory, grouped by project and client: a recall looks only at
 * the items in its scope, without a query to the database's full-text index for each one. It is a copy of
 * the database, so every write to a memory table tells it (`touched`, after the commit) and the next
 * recall reads those rows again; writes made by another process are caught by a periodic comparison of
 * counts and last-update times (and on SQLite by the file's data version), which reloads the whole index.
 */
export class MemoryIndex {
  private items = new Map<string, IndexedItem>();
  private byProject = new Map<string, Set<IndexedItem>>();
  private byClient = new Map<string, Set<IndexedItem>>();
  private global = new Set<IndexedItem>();
  private termIds = new Map<string, number>();
  private pending = new Map<MemoryKind, Set<string>>();
  private loaded: Promise<boolean> | null = null;
  private syncing: Promise<void> | null = null;
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
    for (const item of (column === 'project_id' ? this.byProject : this.byClient).get(id) ?? []) this.touched(item.row.kind, [item.row.id]);
  }

  /**
   * The items in scope holding any of `matchTerms` (every item in scope when there are none, newest first,
   * up to `cap` per kind), with the counts of `queryTerms`, and the size of the scope for BM25; null when
   * the index is off (too many items) and the caller should ask the database.
   */
  async search(scope: SearchScope, matchTerms: readonly string[], queryTerms: readonly string[], cap: number): Promise<{ candidates: IndexedCandidate[]; stats: ScopeStats } | null> {
    if (!(await this.warm())) return null;
    await this.sync();
    const match = matchTerms.map((t) => this.termIds.get(encodeTerm(t))).filter((id): id is number => id !== undefined);
    const wanted = [...new Set(queryTerms)].map((t) => [t, this.termIds.get(encodeTerm(t))] as const)
      .filter((p): p is readonly [string, number] => p[1] !== undefined);
    const stats: ScopeStats = { docCount: 0, termCount: 0, contextCount: 0 };
    const candidates: IndexedCandidate[] = [];
    const recent: IndexedItem[] = [];
    for (const item of this.inReach(scope)) {
      if (!inSearchScope(item.row, scope)) continue;
      stats.docCount++;
      stats.termCount += item.row.term_count;
      stats.contextCount += item.row.context_count;
      if (!matchTerms.length) recent.push(item);
      else if (match.some((id) => countOf(item.own, id) || countOf(item.context, id))) candidates.push(this.candidate(item, wanted));
    }
    if (!matchTerms.length) {
      recent.sort((a, b) => (a.row.created_at < b.row.created_at ? 1 : a.row.created_at > b.row.created_at ? -1 : 0));
      const perKind = new Map<MemoryKind, number>();
      for (const item of recent) {
        const n = perKind.get(item.row.kind) ?? 0;
        if (n < cap) candidates.push(this.candidate(item, wanted));
        perKind.set(item.row.kind, n + 1);
      }
    }
    return { candidates, stats };
  }

  /** The items a scope can reach: its project's, its client's and the global ones; all of them when it names neither. */
  private *inReach(scope: SearchScope): Iterable<IndexedItem> {
    if (!scope.projectId && !scope.clientId) {
      yield* this.items.values();
      return;
    }
    const project = scope.projectId ? this.byProject.get(scope.projectId) : undefined;
    if (project) yield* project;
    for (const item of (scope.clientId ? this.byClient.get(scope.clientId) : undefined) ?? []) {
      if (!project?.has(item)) yield item;
    }
    yield* this.global;
  }

  private candidate(item: IndexedItem, wanted: readonly (readonly [string, number])[]): IndexedCandidate {
    const termFrequencies = new Map<string, number>();
    const contextFrequencies = new Map<string, number>();
    for (const [term, id] of wanted) {
      const own = countOf(item.own, id);
      if (own) termFrequencies.set(term, own);
      const context = countOf(item.context, id);
      if (context) contextFrequencies.set(term, context);
    }
    return { row: item.row, termFrequencies, contextFrequencies };
  }

  /** Applies the writes this process reported, and every so often checks for writes from elsewhere. */
  private sync(): Promise<void> {
    return (this.syncing ??= this.applyPending().finally(() => { this.syncing = null; }));
  }

  private async applyPending(): Promise<void> {
    if (await this.changedElsewhere()) {
      this.loaded = this.load();
      await this.loaded;
    }
    while (this.pending.size) {
      const [kind, ids] = this.pending.entries().next().value as [MemoryKind, Set<string>];
      this.pending.delete(kind);
      const list = [...ids];
      for (let i = 0; i < list.length; i += REFETCH_BATCH) {
        const slice = list.slice(i, i + REFETCH_BATCH);
        const rows = await rankRows(this.db, kind).where('id', 'in', slice).execute() as StoredRow[];
        for (const id of slice) this.remove(keyOf(kind, id));
        for (const row of rows) this.add(row);
      }
    }
  }

  /**
   * True when another process wrote to the memory tables: SQLite says so directly (its data version moves
   * on another connection's commit); otherwise, every 30 s, the index's counts and last-update times are
   * compared with the database's.
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
      let n = 0;
      let last: string | null = null;
      for (const item of this.items.values()) {
        if (item.row.kind !== source.kind) continue;
        n++;
        if (last === null || item.row.updated_at > last) last = item.row.updated_at;
      }
      if (Number(db.n) !== n || (db.last ?? null) !== last) return true;
    }
    return false;
  }

  /** Reads every item; false (index off) when there are more than the index is allowed to hold. */
  private async load(): Promise<boolean> {
    this.clear();
    if (dialectOf(this.db) === 'sqlite') this.dataVersion = await this.sqliteDataVersion();
    for (const source of MEMORY_SOURCES) {
      const { n } = await this.db.selectFrom(source.table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
      if (this.items.size + Number(n) > this.maxItems) {
        this.clear();
        return false;
      }
      const rows = await rankRows(this.db, source.kind).execute() as StoredRow[];
      for (const row of rows) this.add(row);
    }
    this.checkedAt = Date.now();
    return true;
  }

  private async sqliteDataVersion(): Promise<number> {
    const { rows } = await sql<{ data_version: number }>`pragma data_version`.execute(this.db);
    return Number(rows[0]?.data_version);
  }

  private clear(): void {
    this.items.clear();
    this.byProject.clear();
    this.byClient.clear();
    this.global.clear();
  }

  private add(raw: StoredRow): void {
    const row = candidateRow(raw);
    const item: IndexedItem = { key: keyOf(row.kind, row.id), row, own: this.encode(raw.search_terms), context: this.encode(raw.context_terms) };
    this.remove(item.key);
    this.items.set(item.key, item);
    if (row.project_id) groupOf(this.byProject, row.project_id).add(item);
    if (row.client_id) groupOf(this.byClient, row.client_id).add(item);
    if (!row.project_id && !row.client_id) this.global.add(item);
  }

  private remove(key: string): void {
    const item = this.items.get(key);
    if (!item) return;
    this.items.delete(key);
    const { project_id, client_id } = item.row;
    if (project_id) dropFrom(this.byProject, project_id, item);
    if (client_id) dropFrom(this.byClient, client_id, item);
    this.global.delete(item);
  }

  /** A stored term string as sorted [term id, count] pairs. */
  private encode(stored: string | null): Int32Array {
    if (!stored) return EMPTY;
    const counts = new Map<number, number>();
    for (const token of stored.split(' ')) {
      if (!token) continue;
      let id = this.termIds.get(token);
      if (id === undefined) this.termIds.set(token, (id = this.termIds.size));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const ids = [...counts.keys()].sort((a, b) => a - b);
    const pairs = new Int32Array(ids.length * 2);
    ids.forEach((id, i) => { pairs[2 * i] = id; pairs[2 * i + 1] = counts.get(id)!; });
    return pairs;
  }
}

const EMPTY = new Int32Array(0);

function rankRows(db: Kysely<any>, kind: MemoryKind) {
  const source = MEMORY_SOURCES.find((s) => s.kind === kind)!;
  return db.selectFrom(source.table).select(RANK_COLUMNS(source) as any);
}

/** How often term `id` occurs, from sorted [id, count] pairs (binary search: items hold tens of terms). */
function countOf(pairs: Int32Array, id: number): number {
  let lo = 0;
  let hi = pairs.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = pairs[2 * mid]!;
    if (at === id) return pairs[2 * mid + 1]!;
    if (at < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

function groupOf(groups: Map<string, Set<IndexedItem>>, id: string): Set<IndexedItem> {
  let group = groups.get(id);
  if (!group) groups.set(id, (group = new Set()));
  return group;
}

function dropFrom(groups: Map<string, Set<IndexedItem>>, id: string, item: IndexedItem): void {
  const group = groups.get(id);
  if (!group) return;
  group.delete(item);
  if (!group.size) groups.delete(id);
}
