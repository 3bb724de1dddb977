import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { dialectOf } from '../../db/dialect.js';
import { emptyColumns, SCOPES, type CandidateColumns } from '../../memory/score.js';
import { encodeTerm } from '../../memory/text.js';
import type { MemoryKind } from '../context/tag-index.js';
import { GroupPostings } from './group-postings.js';
import { ItemColumns } from './item-columns.js';
import { HOLDS_SATURATED, MAX_TERM_IDS, SATURATED, TermStore } from './term-counts.js';
import { candidateRow, isoMillis, placedInScope, type CandidateRow, MEMORY_SOURCES, RANK_COLUMNS, type RecallItem, type SearchScope, type ScopeStats, type StoredRow } from './search.js';

/**
 * The slots of one project's items, one client's, or of those with neither; dead ones are swept when they
 * are half of it. Its postings are built when it is searched a second time with no change in between (so
 * a group written between every two recalls is scanned instead of rebuilt each time), and dropped by any change.
 */
interface Group {
  slots: number[];
  dead: number;
  postings: GroupPostings | null;
  searchesSinceChange: number;
  /** Its live items, and the sums BM25 needs over them. */
  items: number;
  termCount: number;
  contextCount: number;
  /**
   * Bounds that only ever widen (a removal leaves them): the latest item time, whether every time was in the
   * server's own form, whether any item could expire. When they put every item in a search's reach, the
   * search takes the sums above instead of visiting each item.
   */
  latestAtMs: number;
  timesExact: boolean;
  expiring: boolean;
}

const newGroup = (): Group => ({
  slots: [], dead: 0, postings: null, searchesSinceChange: 0, items: 0, termCount: 0, contextCount: 0,
  latestAtMs: -Infinity, timesExact: true, expiring: false,
});

export interface MemoryIndexOptions {
  /** Past this many items the index stays off and recall asks the database's full-text index instead. */
  maxItems?: number;
  /** How often (MariaDB, PostgreSQL) the index checks that no other process changed the memory tables. */
  checkIntervalMs?: number;
}

const REFETCH_BATCH = 500;
/** Indexes into SCOPES. */
const PROJECT = SCOPES.indexOf('project');
const CLIENT = SCOPES.indexOf('client');
const GLOBAL = SCOPES.indexOf('global');
/** Pending ids that start a sync without waiting for a recall. */
const BACKGROUND_SYNC_AT = 1000;
const LOAD_PAGE = 5000;

/**
 * Every recallable item's ranking data, in memory, grouped by project and client: a recall looks only at
 * the items in its scope, without a query to the database's full-text index for each one. It is a copy of
 * the database, so every write to a memory table tells it (`touched`, after the commit) and the next
 * recall reads those rows again; writes made by another process are caught by a periodic comparison of
 * counts and last-update times (and on SQLite by the file's data version), which reloads the whole index.
 */
export class MemoryIndex {
  private table = new ItemColumns();
  private byProject = new Map<string, Group>();
  private byClient = new Map<string, Group>();
  private global: Group = newGroup();
  private terms = new TermStore();
  private pending = new Map<MemoryKind, Set<string>>();
  /** Projects and clients deleted since the last sync: their items are read again then (after any load in progress). */
  private removedScopes: ['project_id' | 'client_id', string][] = [];
  /** Set for good once the index turned itself off (too many items, or none allowed): recall asks the database. */
  private off = false;
  private loaded: Promise<boolean> | null = null;
  private syncing: Promise<void> | null = null;
  private backgroundSync: NodeJS.Immediate | null = null;
  private searches = 0;
  private checkedAt = 0;
  private dataVersion: number | null = null;
  private readonly maxItems: number;
  private readonly checkIntervalMs: number;

  constructor(private readonly db: Kysely<any>, options: MemoryIndexOptions = {}) {
    this.maxItems = options.maxItems ?? 300_000;
    this.checkIntervalMs = options.checkIntervalMs ?? 30_000;
  }

  /** Loads the index now (the server calls this at start, so the first recall does not wait); false when it is off. */
  warm(): Promise<boolean> {
    return (this.loaded ??= this.load().catch((err) => {
      // Nothing half-loaded stays: the next recall loads from scratch.
      this.loaded = null;
      this.clear();
      throw err;
    }));
  }

  /** Rows of these ids changed or went away: the next recall reads them again. Call after the commit. */
  touched(kind: MemoryKind, ids: readonly string[]): void {
    if (this.off || !ids.length) return;
    let set = this.pending.get(kind);
    if (!set) this.pending.set(kind, (set = new Set()));
    for (const id of ids) set.add(id);
    // A bulk write (an import, a long ingest) is read in as it arrives, not all at the next recall, which
    // would wait seconds for it (a hook gives up sooner) and hold every pending id meanwhile.
    if (this.loaded && !this.syncing && !this.backgroundSync && this.pendingCount() >= BACKGROUND_SYNC_AT) {
      this.backgroundSync = setImmediate(() => {
        this.backgroundSync = null;
        // On failure the ids stay pending: the next recall reads them again, and reports the error.
        this.loaded?.then((on) => (on ? this.sync() : undefined)).catch(() => {});
      });
    }
  }

  private pendingCount(): number {
    let n = 0;
    for (const ids of this.pending.values()) n += ids.size;
    return n;
  }

  /** A project or client was deleted: its items lost that reference in the database (set null). Call after the commit. */
  scopeRemoved(column: 'project_id' | 'client_id', id: string): void {
    if (!this.off) this.removedScopes.push([column, id]);
  }

  /**
   * The items in scope holding any of `matchTerms` (every item in scope when there are none, newest first,
   * up to `cap` per kind), as columns for ranking with the counts of `queryTerms` (distinct, in the query's
   * order), and the size of the scope for BM25; null when the index is off (too many items) and the caller
   * should ask the database.
   */
  async search(scope: SearchScope, matchTerms: readonly string[], queryTerms: readonly string[], cap: number): Promise<{ columns: CandidateColumns<RecallItem>; stats: ScopeStats } | null> {
    if (!(await this.warm())) return null;
    // Again when a write arrived while the last sync was finishing: a recall sees every write committed before it.
    for (let round = 0; round < 3 && (round === 0 || this.pending.size || this.removedScopes.length); round++) await this.sync();
    if (this.off) return null;
    const match = matchTerms.map((t) => this.terms.idOf(encodeTerm(t))).filter((id): id is number => id !== undefined);
    const wanted: { terms: string[]; ids: number[] } = { terms: [], ids: [] };
    for (const term of new Set(queryTerms)) {
      const id = this.terms.idOf(encodeTerm(term));
      if (id !== undefined) { wanted.terms.push(term); wanted.ids.push(id); }
    }
    this.terms.mark(match, wanted.ids);
    const stats: ScopeStats = { docCount: 0, termCount: 0, contextCount: 0 };
    const t = this.table;
    const found = new Found(wanted.ids.length);
    if (++this.searches === 2 ** 31) {
      t.seenBy.fill(0);
      t.foundBy.fill(0);
      this.searches = 1;
    }
    const search = this.searches;
    const asOfMs = isoMillis(scope.asOf);
    const asOfIso = !Number.isNaN(asOfMs);
    const matching = matchTerms.length > 0;
    // Every item in scope counts for BM25; those holding a term are found from the postings, or by reading their terms.
    const visit = (slot: number, scan: boolean) => {
      if (!t.live[slot] || t.seenBy[slot] === search) return;
      const reached = t.atIso[slot] && asOfIso ? t.atMs[slot]! <= asOfMs : t.atOf(slot) <= scope.asOf;
      if (!placedInScope(reached, t.expiresAtOf(slot), t.projectOf(slot), t.clientOf(slot), t.tagsOf(slot), scope)) return;
      t.seenBy[slot] = search;
      stats.docCount++;
      stats.termCount += t.termCount[slot]!;
      stats.contextCount += t.contextCount[slot]!;
      if (scan) this.take(found, slot, wanted.ids, matching, search);
    };
    const withPostings: { postings: GroupPostings; whole: boolean }[] = [];
    for (const group of this.groupsInReach(scope)) {
      const postings = match.length ? this.postingsOf(group) : null;
      if (postings && this.wholeInReach(group, scope, asOfMs)) {
        // Every item of the group is in scope: its sums, no visit.
        stats.docCount += group.items;
        stats.termCount += group.termCount;
        stats.contextCount += group.contextCount;
        withPostings.push({ postings, whole: true });
        continue;
      }
      if (postings) withPostings.push({ postings, whole: false });
      for (let i = 0; i < group.slots.length; i++) visit(group.slots[i]!, !postings);
    }
    // At most every item in scope is found: room for them at once, not by doubling.
    if (withPostings.length) found.reserve(stats.docCount);
    for (const { postings, whole } of withPostings) this.findInPostings(postings, whole, found, match, wanted.ids, search);
    const kept = this.newestPerKind(found, cap);
    if (kept) {
      // Rare (a query too vague to rank well): count again for the items kept.
      found.clear();
      for (const slot of kept) this.take(found, slot, wanted.ids, matching, search);
    }
    return { columns: this.columns(found, wanted.terms, scope), stats };
  }

  /**
   * The group's postings, null before its third search since it last changed: a build costs a few scans of
   * the group, so a group written between most recalls is scanned instead.
   */
  private postingsOf(group: Group): GroupPostings | null {
    if (!group.postings && ++group.searchesSinceChange >= 3) {
      group.postings = GroupPostings.build(group.slots, this.table.live, this.table.terms, this.terms);
    }
    return group.postings;
  }

  /** Any change to a group's items drops its postings. */
  private changed(group: Group): void {
    group.postings = null;
    group.searchesSinceChange = 0;
  }

  /**
   * Whether every item of the group is in the scope's reach, as its bounds show: the scope names exactly one
   * of a project and a client (so no item is in two groups searched), filters by no tag or client, and no item
   * is later than `as_of` or could have expired. The same rules as `placedInScope`, for the whole group.
   */
  private wholeInReach(group: Group, scope: SearchScope, asOfMs: number): boolean {
    return !scope.projectId !== !scope.clientId && !scope.tags.length && !scope.allowedClients
      && group.timesExact && group.latestAtMs <= asOfMs && !group.expiring;
  }

  /**
   * Adds to `found` the items in scope holding any `match` term, from the postings, with the counts of the
   * `wanted` terms: all of them when the group is `whole`ly in reach, else those this search stamped in
   * scope. An item found already keeps its place and gains the counts.
   */
  private findInPostings(postings: GroupPostings, whole: boolean, found: Found, match: readonly number[], wanted: readonly number[], search: number): void {
    const t = this.table;
    const width = wanted.length;
    for (const id of match) {
      const k = postings.find(id);
      if (k < 0) continue;
      const column = wanted.indexOf(id);
      for (const entry = postings.entries(k); entry.next();) {
        const slot = entry.slot;
        if (!whole && t.seenBy[slot] !== search) continue; // out of scope
        let at: number;
        if (t.foundBy[slot] === search) {
          at = t.foundAt[slot]!;
          if (at < 0) continue; // counted by a scan of its terms already
        } else {
          at = found.length;
          found.add(slot);
          t.foundBy[slot] = search;
          t.foundAt[slot] = at;
        }
        if (column >= 0) {
          const counts = (entry.section ? found.context : found.own);
          counts[at * width + column] = this.exactCount(slot, id, entry.section, entry.count);
        }
      }
    }
  }

  /** A packed count read back: counts of 255 or more are kept exactly beside the packed ones. */
  private exactCount(slot: number, id: number, section: number, packed: number): number {
    return packed === SATURATED ? this.table.saturated.get(slot)!.get(2 * id + section)! : packed;
  }

  /**
   * Adds the item to `found` with its counts of the wanted terms when it holds a marked term (any item when
   * `matching` is false), reading its terms; stamps it so the postings of another group skip it.
   */
  private take(found: Found, slot: number, wanted: readonly number[], matching: boolean, search: number): void {
    this.table.foundBy[slot] = search;
    this.table.foundAt[slot] = -1;
    if (!matching) return found.add(slot);
    const width = wanted.length;
    found.reserve();
    const base = found.length * width;
    const holds = this.terms.countMarked(this.table.terms[slot]!, found.own, found.context, base);
    if (!holds) return;
    if (holds === HOLDS_SATURATED) {
      wanted.forEach((id, k) => {
        found.own[base + k] = this.exactCount(slot, id, 0, found.own[base + k]!);
        found.context[base + k] = this.exactCount(slot, id, 1, found.context[base + k]!);
      });
    }
    found.add(slot);
  }

  /**
   * At most `cap` of each kind, the newest (then the highest id), as the database path's `limit` keeps them:
   * null when no kind has more (they all stay).
   */
  private newestPerKind(found: Found, cap: number): number[] | null {
    const t = this.table;
    const perKind = [0, 0, 0];
    for (let i = 0; i < found.length; i++) perKind[t.kind[found.slots[i]!]!]!++;
    if (perKind.every((n) => n <= cap)) return null;
    const byKind = [[], [], []] as number[][];
    for (let i = 0; i < found.length; i++) byKind[t.kind[found.slots[i]!]!]!.push(found.slots[i]!);
    return byKind.flatMap((list) => (list.length <= cap ? list : this.newest(list, cap)));
  }

  /**
   * The `cap` newest of the slots (by created_at, then id, both descending). Sorting tens of thousands of
   * items by their time strings takes ~100 ms, so where every time is in the server's own form the cut is
   * found on the numbers (one native sort), and only the items at the cut's time are ordered by id.
   */
  private newest(list: number[], cap: number): number[] {
    const t = this.table;
    const times = new Float64Array(list.length);
    for (let i = 0; i < list.length; i++) {
      times[i] = t.createdMs[list[i]!]!;
      if (Number.isNaN(times[i])) return byNewest(t, list).slice(0, cap);
    }
    const cut = times.sort()[list.length - cap]!;
    const after: number[] = [];
    const at: number[] = [];
    for (const slot of list) {
      if (t.createdMs[slot]! > cut) after.push(slot);
      else if (t.createdMs[slot] === cut) at.push(slot);
    }
    return after.concat(byNewest(t, at).slice(0, cap - after.length));
  }

  /** The groups a scope names: its project's, its client's, and the global one; all of them when it names neither. */
  private groupsInReach(scope: SearchScope): Group[] {
    if (!scope.projectId && !scope.clientId) return [this.global, ...this.byProject.values(), ...this.byClient.values()];
    const groups = [this.global];
    const project = scope.projectId ? this.byProject.get(scope.projectId) : undefined;
    const client = scope.clientId ? this.byClient.get(scope.clientId) : undefined;
    if (project) groups.push(project);
    if (client) groups.push(client);
    return groups;
  }

  /** The items found as ranking reads them: their counts of the wanted terms, and what else ranking weighs. */
  private columns(found: Found, terms: string[], scope: SearchScope): CandidateColumns<RecallItem> {
    const t = this.table;
    const slots = found.slots;
    const c: CandidateColumns<RecallItem> = emptyColumns<RecallItem>(found.length, terms, (i): RecallItem => new SlotItem(t, slots[i]!, c.id(i), c.at(i), c.tags(i) as string[]), found.counts());
    // What ranking reads after an await (ties, tags for the breakdown, the item) is taken now: a row
    // changed in place meanwhile must not change a recall already ranked. A slot's id never changes; a
    // time in the server's form is its milliseconds (copied below), any other is copied as it is; a tag
    // list's number names the same frozen list for good.
    const listOf = new Int32Array(found.length);
    const oddAts = new Map<number, string>();
    // `scopeOf` on numbers: a project or client id is one number in the table, so equal numbers are equal ids (-1: none).
    const everything = !scope.projectId && !scope.clientId;
    const project = scope.projectId ? t.stringNumber(scope.projectId) : -1;
    const client = scope.clientId ? t.stringNumber(scope.clientId) : -1;
    for (let i = 0; i < found.length; i++) {
      const slot = slots[i]!;
      listOf[i] = t.tagsAt[slot]!;
      if (!t.atIso[slot]) oddAts.set(i, t.atOf(slot));
      c.textLength[i] = t.termCount[slot]!;
      c.contextLength[i] = t.contextCount[slot]!;
      c.atMs[i] = t.atMs[slot]!;
      c.usage[i] = t.usage[slot]!;
      c.relevance[i] = t.relevance[slot]!;
      c.pinned[i] = t.pinned[slot]!;
      c.scope[i] = everything || t.projectAt[slot] === project ? PROJECT : t.clientAt[slot] === client ? CLIENT : GLOBAL;
    }
    const tags = t.tagTable;
    c.numberedTags = { listOf, lists: tags.lists, ids: tags.ids, idOf: tags.idOf };
    // Ties and the items shown read these: strings made on demand, once.
    const ats: string[] = [];
    const ids: string[] = [];
    c.tags = (i) => tags.lists[listOf[i]!]!;
    c.at = (i) => (ats[i] ??= oddAts.get(i) ?? new Date(c.atMs[i]!).toISOString());
    c.id = (i) => (ids[i] ??= t.idOf(slots[i]!));
    return c;
  }

  /** Applies the writes this process reported, and every so often looks for writes from elsewhere. */
  private sync(): Promise<void> {
    return (this.syncing ??= this.applyPending().finally(() => { this.syncing = null; }));
  }

  private async applyPending(): Promise<void> {
    await this.reconcileWhenDue();
    for (const [column, id] of this.removedScopes.splice(0)) {
      for (const slot of (column === 'project_id' ? this.byProject : this.byClient).get(id)?.slots ?? []) {
        if (this.table.live[slot]) this.touched(this.table.kindOf(slot), [this.table.idOf(slot)]);
      }
    }
    while (this.pending.size) {
      const [kind, ids] = this.pending.entries().next().value as [MemoryKind, Set<string>];
      this.pending.delete(kind);
      const list = [...ids];
      for (let i = 0; i < list.length; i += REFETCH_BATCH) {
        const slice = list.slice(i, i + REFETCH_BATCH);
        let rows: StoredRow[];
        try {
          rows = await rankRows(this.db, kind).where('id', 'in', slice).execute() as StoredRow[];
        } catch (err) {
          this.touched(kind, list.slice(i)); // read again by the next recall
          throw err;
        }
        // Gone rows go; the others are stored again (in place when only their columns changed).
        const present = new Set(rows.map((r) => r.id));
        for (const id of slice) if (!present.has(id)) this.remove(kind, id);
        for (const row of rows) this.add(row);
      }
    }
    this.compact();
    if (this.size() > this.maxItems || this.overfull()) this.turnOff();
  }

  /**
   * Looks for other processes' writes: on SQLite when the file's data version moved (another connection
   * committed), elsewhere every `checkIntervalMs`. Marked done only once done, so a failure is retried.
   */
  private async reconcileWhenDue(): Promise<void> {
    if (dialectOf(this.db) === 'sqlite') {
      const version = await this.sqliteDataVersion();
      if (version === this.dataVersion) return;
      await this.reconcile();
      this.dataVersion = version;
    } else if (Date.now() - this.checkedAt >= this.checkIntervalMs) {
      await this.reconcile();
      this.checkedAt = Date.now();
    }
  }

  /**
   * Compares every item's id, last update, usage and scope with the database's, and reads again those
   * that differ, appeared or went away (a project deleted elsewhere nulls its items' reference without
   * an update; a use elsewhere only counts). Cheap columns only, in pages.
   */
  private async reconcile(): Promise<void> {
    const t = this.table;
    for (const source of MEMORY_SOURCES) {
      const seen = new Uint8Array(t.size);
      const changed: string[] = [];
      const columns = this.db.selectFrom(source.table).select(['id', 'updated_at', 'usage_count', 'project_id', 'client_id']);
      for await (const row of pages<{ id: string; updated_at: string; usage_count: number; project_id: string | null; client_id: string | null }>(columns)) {
        const slot = t.find(source.kind, row.id);
        if (slot !== undefined) seen[slot] = 1;
        if (slot === undefined || t.updatedMs[slot] !== Date.parse(row.updated_at) || t.usage[slot] !== Number(row.usage_count)
          || t.projectOf(slot) !== (row.project_id ?? null) || t.clientOf(slot) !== (row.client_id ?? null)) changed.push(row.id);
      }
      for (let slot = 0; slot < seen.length; slot++) {
        if (t.live[slot] && !seen[slot] && t.kindOf(slot) === source.kind) changed.push(t.idOf(slot));
      }
      this.touched(source.kind, changed);
    }
  }

  /** Reads every item; false (index off) when there are more than the index is allowed to hold. */
  private async load(): Promise<boolean> {
    this.clear();
    if (this.maxItems === 0) return this.turnOff();
    if (dialectOf(this.db) === 'sqlite') this.dataVersion = await this.sqliteDataVersion();
    this.checkedAt = Date.now();
    for (const source of MEMORY_SOURCES) {
      const { n } = await this.db.selectFrom(source.table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
      if (this.size() + Number(n) > this.maxItems) return this.turnOff();
      for await (const row of pages<StoredRow>(rankRows(this.db, source.kind))) this.add(row);
    }
    return !this.overfull() || this.turnOff();
  }

  /** For good (until the server restarts): nothing is kept or queued, recall asks the database. */
  private turnOff(): false {
    this.clear();
    this.off = true;
    this.pending.clear();
    this.removedScopes = [];
    this.loaded = Promise.resolve(false);
    return false;
  }

  private async sqliteDataVersion(): Promise<number> {
    const { rows } = await sql<{ data_version: number }>`pragma data_version`.execute(this.db);
    return Number(rows[0]?.data_version);
  }

  /** More terms than ids can name, or spans than the term store can hold. */
  private overfull(): boolean {
    return this.terms.vocabulary >= MAX_TERM_IDS || this.terms.full;
  }

  private size(): number {
    return this.table.size - this.table.dead;
  }

  private clear(): void {
    this.table = new ItemColumns();
    this.byProject.clear();
    this.byClient.clear();
    this.global = newGroup();
    this.terms = new TermStore();
  }

  /** Once removed items are half of the table (or of the term store), both are rebuilt without them. */
  private compact(): void {
    const t = this.table;
    if (this.terms.waste > 0.5) this.terms.compact(t.terms, t.live, t.size);
    if (t.dead <= 1024 || t.dead * 2 <= t.size) return;
    const moved = new Int32Array(t.size).fill(-1);
    this.table = t.compacted((old, slot) => { moved[old] = slot; });
    for (const group of [this.global, ...this.byProject.values(), ...this.byClient.values()]) {
      group.slots = group.slots.filter((old) => moved[old]! >= 0).map((old) => moved[old]!);
      group.dead = 0;
      this.changed(group);
    }
  }

  private add(raw: StoredRow): void {
    const row = candidateRow(raw);
    const span = this.terms.encode(raw.search_terms, raw.context_terms);
    const t = this.table;
    const known = t.find(row.kind, row.id);
    // Changed in place (a use counted, a new summary of the same words): same scope and terms, so its groups and their postings stand.
    if (known !== undefined && t.projectOf(known) === row.project_id && t.clientOf(known) === row.client_id && this.terms.holds(t.terms[known]!, span)) {
      const groups = this.groupsOf(row.project_id, row.client_id, false);
      for (const group of groups) this.count(group, known, -1);
      t.write(known, row, Date.parse(raw.updated_at), t.terms[known]!, span.saturated);
      for (const group of groups) this.count(group, known, 1);
      return;
    }
    this.remove(row.kind, row.id);
    const offset = this.terms.store(span);
    if (offset < 0) return; // the term store is full: the index turns itself off after this batch
    const slot = this.table.add(row, Date.parse(raw.updated_at), offset, span.saturated);
    for (const group of this.groupsOf(row.project_id, row.client_id, true)) {
      group.slots.push(slot);
      this.count(group, slot, 1);
      this.changed(group);
    }
  }

  private remove(kind: MemoryKind, id: string): void {
    const t = this.table;
    const slot = t.find(kind, id);
    if (slot === undefined) return;
    t.remove(slot);
    this.terms.free(t.terms[slot]!);
    const projectId = t.projectOf(slot);
    const clientId = t.clientOf(slot);
    for (const group of this.groupsOf(projectId, clientId, false)) {
      this.count(group, slot, -1);
      this.changed(group);
      if (++group.dead * 2 > group.slots.length) {
        group.slots = group.slots.filter((s) => t.live[s]);
        group.dead = 0;
      }
    }
    // A deleted project's or client's group goes once its last item has.
    if (projectId && !this.byProject.get(projectId)?.slots.length) this.byProject.delete(projectId);
    if (clientId && !this.byClient.get(clientId)?.slots.length) this.byClient.delete(clientId);
  }

  /** Counts the item in (`sign` 1) or out of (-1) its group's sums; an item counted in widens the group's bounds. */
  private count(group: Group, slot: number, sign: 1 | -1): void {
    const t = this.table;
    group.items += sign;
    group.termCount += sign * t.termCount[slot]!;
    group.contextCount += sign * t.contextCount[slot]!;
    if (sign < 0) return;
    group.latestAtMs = Math.max(group.latestAtMs, t.atMs[slot]!);
    if (!t.atIso[slot]) group.timesExact = false;
    if (t.expiresAtOf(slot) !== null) group.expiring = true;
  }

  /** The groups an item belongs in: its project's and its client's, or the global one. */
  private groupsOf(projectId: string | null, clientId: string | null, create: boolean): Group[] {
    const groups: Group[] = [];
    const find = (map: Map<string, Group>, id: string) => {
      let group = map.get(id);
      if (!group && create) map.set(id, (group = newGroup()));
      if (group) groups.push(group);
    };
    if (projectId) find(this.byProject, projectId);
    if (clientId) find(this.byClient, clientId);
    if (!projectId && !clientId) groups.push(this.global);
    return groups;
  }
}

/** The slots by created_at, then id, both descending, as the database orders them: on their strings, made once each. */
function byNewest(t: ItemColumns, slots: readonly number[]): number[] {
  const created = slots.map((slot) => t.createdAtOf(slot));
  const ids = slots.map((slot) => t.idOf(slot));
  const order = slots.map((_, i) => i);
  order.sort((a, b) => (created[a]! < created[b]! ? 1 : created[a]! > created[b]! ? -1 : ids[a]! < ids[b]! ? 1 : -1));
  return order.map((i) => slots[i]!);
}

/**
 * The rows of a query in pages by id, so a whole table is never held at once (the term strings the
 * index reads are most of a row's size).
 */
async function* pages<Row extends { id: string }>(query: SelectQueryBuilder<any, any, any>): AsyncGenerator<Row> {
  for (let after = ''; ;) {
    const rows = await query.where('id', '>', after).orderBy('id').limit(LOAD_PAGE).execute() as Row[];
    yield* rows;
    if (rows.length < LOAD_PAGE) return;
    after = rows.at(-1)!.id;
  }
}

function rankRows(db: Kysely<any>, kind: MemoryKind) {
  const source = MEMORY_SOURCES.find((s) => s.kind === kind)!;
  return db.selectFrom(source.table).select(RANK_COLUMNS(source) as any);
}

/** The items a search found, with their counts of the wanted terms (`width` per item), in growing arrays. */
class Found {
  length = 0;
  // Empty until the first item: a search with postings reserves room for its whole scope at once, and
  // arrays made first at a guessed size were allocated for nothing (an allocation costs as much as filling).
  slots = new Int32Array(0);
  own = new Float64Array(0);
  context = new Float64Array(0);

  constructor(private readonly width: number) {}

  /** Room for `more` items (their counts start at 0), grown at once. */
  reserve(more = 1): void {
    if (this.length + more <= this.slots.length) return;
    const size = Math.max(256, 2 * this.slots.length, this.length + more);
    const grow = <T extends Int32Array | Float64Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.slots = grow(this.slots, size);
    this.own = grow(this.own, size * this.width);
    this.context = grow(this.context, size * this.width);
  }

  add(slot: number): void {
    this.reserve();
    this.slots[this.length++] = slot;
  }

  clear(): void {
    this.length = 0;
    this.own.fill(0);
    this.context.fill(0);
  }

  counts(): { own: Float64Array; context: Float64Array } {
    return { own: this.own.subarray(0, this.length * this.width), context: this.context.subarray(0, this.length * this.width) };
  }
}

/**
 * An item ranking put on top. Its row is built only now, for the few a recall shows, from the table as it
 * was at the search (a rebuild makes a new one): a change in place since then shows the newer row, while
 * id, time and tags stay those the item was ranked with.
 */
class SlotItem implements RecallItem {
  private built: CandidateRow | undefined;

  constructor(private readonly table: ItemColumns, private readonly slot: number, readonly id: string, readonly at: string, readonly tags: string[]) {}

  get row(): CandidateRow {
    return (this.built ??= this.table.row(this.slot));
  }
}
