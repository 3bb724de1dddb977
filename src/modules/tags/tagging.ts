import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { RequestContext } from '../../core/context.js';
import { newId } from '../../core/ids.js';
import type { CrudDeps, CrudService } from '../../entities/crud-service.js';
import { assertAccess } from '../../entities/policy.js';
import { IdParams } from '../../entities/define-entity.js';
import { route } from '../../http/route.js';
import { TAG_NAME, Tag } from './entity.js';

/** Which resources can be tagged, and the junction table and column for each. */
export const TAGGABLE = { clients: ['client_tags', 'client_id'], projects: ['project_tags', 'project_id'], sessions: ['session_tags', 'session_id'], work_items: ['work_item_tags', 'work_item_id'] } as const;
export type TaggableTable = keyof typeof TAGGABLE;

const TagNames = z.array(z.string().trim().toLowerCase().max(60).regex(TAG_NAME, 'lowercase letters, digits and . _ + # -')).min(1).max(50);
const TagBody = z.strictObject({ tags: TagNames.describe('Tag names; missing tags are created') });
const TagQuery = z.strictObject({ tags: z.string().max(3000).transform((v) => v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)).pipe(TagNames) });
const TagList = z.array(Tag.schemas.row);

/**
 * Tagging through the junction tables. The owner row is loaded through its own service first, so
 * client scope and roles apply exactly as for the row itself; usage_count follows links made and removed.
 */
export function createTagging({ db, audit, clock }: CrudDeps) {
  async function tagsOf(trx: Kysely<any>, table: TaggableTable, id: string) {
    const [junction, column]: readonly string[] = TAGGABLE[table];
    const rows: Record<string, unknown>[] = await (trx as Kysely<any>).selectFrom('tags').innerJoin(junction, `${junction}.tag_id`, 'tags.id').selectAll('tags')
      .where(`${junction}.${column}`, '=', id).orderBy('tags.name').execute();
    return rows.map((r) => Tag.decode(r));
  }

  return {
    list: (table: TaggableTable, id: string) => tagsOf(db, table, id),

    async add(ctx: RequestContext, table: TaggableTable, id: string, names: string[]) {
      assertAccess(ctx, 'technician', true);
      const [junction, column] = TAGGABLE[table];
      return db.transaction().execute(async (trx) => {
        const now = clock.now().toISOString();
        const added: string[] = [];
        for (const name of [...new Set(names)]) {
          let tag = await trx.selectFrom('tags').select('id').where('name', '=', name).executeTakeFirst();
          if (!tag) {
            tag = { id: newId() };
            await trx.insertInto('tags').values({ id: tag.id, name, category: 'other', description: null, usage_count: 0, created_at: now, updated_at: now }).execute();
          }
          const linked = await trx.selectFrom(junction).select('tag_id').where(column, '=', id).where('tag_id', '=', tag.id).executeTakeFirst();
          if (linked) continue;
          await trx.insertInto(junction).values({ [column]: id, tag_id: tag.id, created_at: now }).execute();
          await trx.updateTable('tags').set((eb) => ({ usage_count: eb('usage_count', '+', 1) })).where('id', '=', tag.id).execute();
          added.push(name);
        }
        if (added.length) await audit.record(trx, ctx, { action: 'tag', entity: table, entity_id: id, changes: { added } });
        return tagsOf(trx, table, id);
      });
    },

    async remove(ctx: RequestContext, table: TaggableTable, id: string, names: string[]) {
      assertAccess(ctx, 'technician', true);
      const [junction, column] = TAGGABLE[table];
      return db.transaction().execute(async (trx) => {
        const tags = await trx.selectFrom('tags').select(['id', 'name']).where('name', 'in', names).execute();
        const removed: string[] = [];
        for (const tag of tags) {
          const res = await trx.deleteFrom(junction).where(column, '=', id).where('tag_id', '=', tag.id).executeTakeFirst();
          if (Number(res.numDeletedRows) === 0) continue;
          await trx.updateTable('tags').set((eb) => ({ usage_count: eb('usage_count', '-', 1) })).where('id', '=', tag.id).where('usage_count', '>', 0).execute();
          removed.push(tag.name);
        }
        if (removed.length) await audit.record(trx, ctx, { action: 'untag', entity: table, entity_id: id, changes: { removed } });
        return tagsOf(trx, table, id);
      });
    },
  };
}

export type Tagging = ReturnType<typeof createTagging>;

/** GET, POST and DELETE /api/<resource>/:id/tags for a taggable resource. */
export function tagRoutes(app: FastifyInstance, owner: CrudService<any>, tagging: Tagging) {
  const table = owner.entity.table as TaggableTable;
  if (!TAGGABLE[table]) throw new Error(`${table} is not taggable`);
  const url = `/api/${owner.entity.path}/:id/tags`;
  const tag = owner.entity.plural[0].toUpperCase() + owner.entity.plural.slice(1);
  route(app, { method: 'GET', url, tag, summary: `List a ${owner.entity.name}'s tags`, params: IdParams, response: TagList,
    handler: async ({ ctx, params }) => { await owner.get(ctx, params.id); return tagging.list(table, params.id); } });
  route(app, { method: 'POST', url, tag, summary: `Tag a ${owner.entity.name}`, params: IdParams, body: TagBody, response: TagList,
    handler: async ({ ctx, params, body }) => { await owner.get(ctx, params.id); return tagging.add(ctx, table, params.id, body.tags); } });
  route(app, { method: 'DELETE', url, tag, summary: `Remove tags from a ${owner.entity.name}`, description: 'Pass the names as ?tags=a,b', params: IdParams, query: TagQuery, response: TagList,
    handler: async ({ ctx, params, query }) => { await owner.get(ctx, params.id); return tagging.remove(ctx, table, params.id, query.tags); } });
}

