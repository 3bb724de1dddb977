import type { Kysely } from 'kysely';
import type { RequestContext } from '../../core/context.js';
import type { Page } from '../../core/pagination.js';
import { createCrudService, inheritClient, type CrudDeps, type CrudService } from '../../entities/crud-service.js';
import { assertAccess, clientLimit } from '../../entities/policy.js';
import { scopeCondition } from '../../entities/scope.js';
import { extractTags } from '../../memory/tags.js';
import { memoryText, prepareMemory } from '../memory/prepare.js';
import { Project } from '../projects/entity.js';
import { createProjectStateService } from './project-states.js';
import { scrub } from './scrub.js';
import { MEMORY_KINDS, dropTags, normalizeTags, syncTags, taggedItems, type MemoryKind } from './tag-index.js';

export type { MemoryKind } from './tag-index.js';
export { MEMORY_KINDS, normalizeTags } from './tag-index.js';
export { memoryText };

/** Computes the server-owned columns (content_hash, search_terms, term_count, tokens) from the merged row; the memory module's by default. */
export type PrepareMemory = (kind: MemoryKind, row: Record<string, unknown>) => Record<string, unknown>;

/**
 * Adds usage: usage_count + 1 and last_used_at = now on every row of `ids`, in one statement, atomic in
 * the database (concurrent bumps never lose a count). Not audited: it records a read, not a change.
 */
export async function bumpUsage(trx: Kysely<any>, kind: MemoryKind, ids: readonly string[], now: string): Promise<number> {
  if (!ids.length) return 0;
  const res = await trx.updateTable(MEMORY_KINDS[kind].entity.table)
    .set((eb) => ({ usage_count: eb('usage_count', '+', 1), last_used_at: now }))
    .where('id', 'in', [...new Set(ids)]).executeTakeFirst();
  return Number(res.numUpdatedRows);
}

const scrubTags = (values: Record<string, unknown>) => (Array.isArray(values.tags) ? { ...values, tags: normalizeTags(values.tags) } : values);

/**
 * One recallable kind through the generic CRUD: its text is redacted and its tags normalized before
 * anything is stored, the client follows the project, the server-owned columns come from `prepare`,
 * and the tag junction follows every write.
 */
function createMemoryService(kind: MemoryKind, deps: CrudDeps, prepare: PrepareMemory) {
  const { entity } = MEMORY_KINDS[kind];
  return createCrudService(entity, deps, {
    async beforeCreate(values, _ctx, trx) {
      // The client is needed here already (the scope tokens `prepare` derives), not only in the generic CRUD after this hook.
      const given = await inheritClient(entity, trx, scrubTags(scrub(entity, values)));
      // Untagged memories are tagged from their text, as ingest tags what it stores; given tags are kept as given.
      const row = Array.isArray(given.tags) && given.tags.length ? given : { ...given, tags: normalizeTags(extractTags(memoryText(kind, given))) };
      return { ...row, ...prepare(kind, row) };
    },
    async beforeUpdate(patch, current, _ctx, trx) {
      let clean = scrubTags(scrub(entity, patch));
      // Moving an item to another project moves it to that project's client too, unless the patch says otherwise.
      if (clean.project_id != null && clean.client_id === undefined) {
        const { client_id } = await inheritClient(entity, trx, { project_id: clean.project_id });
        if (client_id != null) clean = { ...clean, client_id };
      }
      const derived = prepare(kind, { ...entity.decode(current), ...clean });
      // Only what changed, so an update that leaves the text alone writes (and audits) no derived columns.
      const changed = Object.entries(derived).filter(([k, v]) => String(current[k] ?? '') !== String(v ?? ''));
      return { ...clean, ...Object.fromEntries(changed) };
    },
    afterWrite: (row, _ctx, trx) => syncTags(trx, kind, String(row.id), (row.tags as string[] | null) ?? []),
    beforeDelete: (current, _ctx, trx) => dropTags(trx, kind, String(current.id)),
    afterCommit: (id) => deps.memoryIndex?.touched(kind, [id]),
  });
}

export interface TagQuery {
  tags: string[];
  match: 'any' | 'all';
  project_id?: string;
  client_id?: string;
  limit: number;
  offset: number;
}

export function buildContextServices(deps: CrudDeps, prepare: PrepareMemory = prepareMemory) {
  const { db, clock } = deps;
  const services: Record<MemoryKind, CrudService> = {
    conversation_context: createMemoryService('conversation_context', deps, prepare),
    context_snippet: createMemoryService('context_snippet', deps, prepare),
    decision_log: createMemoryService('decision_log', deps, prepare),
  };
  const projects = createCrudService(Project, deps);

  /** Rows of a kind the actor may see, optionally of one project / client, and not expired. */
  function visible(ctx: RequestContext, kind: MemoryKind, q: { project_id?: string; client_id?: string }) {
    const { entity } = MEMORY_KINDS[kind];
    const t = entity.table;
    const limit = clientLimit(ctx);
    const now = clock.now().toISOString();
    return db.selectFrom(t)
      .$if(q.project_id !== undefined, (b) => b.where(`${t}.project_id`, '=', q.project_id!))
      .$if(q.client_id !== undefined, (b) => b.where(`${t}.client_id`, '=', q.client_id!))
      .$if(limit !== null, (b) => b.where((eb) => scopeCondition(eb, entity, limit!)))
      .$if('expires_at' in entity.fields, (b) => b.where((eb) => eb.or([eb(`${t}.expires_at`, 'is', null), eb(`${t}.expires_at`, '>', now)])));
  }

  return {
    conversationContexts: services.conversation_context,
    contextSnippets: services.context_snippet,
    decisionLogs: services.decision_log,
    projectStates: createProjectStateService(deps, projects),
    byKind: services,

    /** Items carrying any / all of the tags (through the junction), most matching tags first, then pinned, then relevance. */
    async byTags(ctx: RequestContext, kind: MemoryKind, q: TagQuery): Promise<Page<Record<string, unknown>>> {
      const { entity } = MEMORY_KINDS[kind];
      assertAccess(ctx, entity.access.read, false);
      const tags = normalizeTags(q.tags);
      const t = entity.table;
      const base = visible(ctx, kind, q).innerJoin(taggedItems(db, kind, tags, q.match).as('m'), 'm.item_id', `${t}.id`);
      const count = await base.select((eb) => eb.fn.countAll().as('total')).executeTakeFirst();
      const rows = await base.selectAll(t)
        .orderBy('m.matched', 'desc').orderBy(`${t}.pinned`, 'desc').orderBy(`${t}.relevance_score`, 'desc').orderBy(`${t}.id`, 'desc')
        .limit(q.limit).offset(q.offset).execute();
      return { items: rows.map((r) => entity.decode(r)), total: Number(count?.total ?? 0), limit: q.limit, offset: q.offset };
    },

    /** The most used items, ties broken by relevance: what people keep coming back to. */
    async top(ctx: RequestContext, kind: MemoryKind, q: { project_id?: string; client_id?: string; limit: number }) {
      const { entity } = MEMORY_KINDS[kind];
      assertAccess(ctx, entity.access.read, false);
      const rows = await visible(ctx, kind, q).selectAll()
        .orderBy('usage_count', 'desc').orderBy('relevance_score', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
      return { items: rows.map((r) => entity.decode(r)) };
    },

    /** Records one use of an item (a client showed it to Claude), for an item the actor may write. */
    async use(ctx: RequestContext, kind: MemoryKind, id: string) {
      const service = services[kind];
      assertAccess(ctx, service.entity.access.write, true);
      await service.get(ctx, id);
      await bumpUsage(db, kind, [id], clock.now().toISOString());
      deps.memoryIndex?.touched(kind, [id]);
      return service.get(ctx, id);
    },
  };
}

export type ContextServices = ReturnType<typeof buildContextServices>;
