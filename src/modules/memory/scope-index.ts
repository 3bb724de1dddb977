import type { Kysely } from 'kysely';
import type { CrudDeps, CrudHooks } from '../../entities/crud-service.js';
import { MEMORY_KINDS } from '../context/tag-index.js';
import { scopeTerms } from './prepare.js';

/**
 * Keeps the scope tokens in the full-text index true when a project or client is deleted: the
 * database sets the items' `project_id` / `client_id` to null itself (no application code sees those
 * rows), so before the delete this rewrites `scope_terms` as it will be once the reference is gone.
 * Runs inside the delete's transaction.
 */
export async function forgetScope(trx: Kysely<any>, column: 'project_id' | 'client_id', id: string): Promise<void> {
  for (const { entity } of Object.values(MEMORY_KINDS)) {
    const pairs = await trx.selectFrom(entity.table).select(['project_id', 'client_id']).distinct().where(column, '=', id).execute();
    for (const pair of pairs) {
      const after = { ...pair, [column]: null };
      await trx.updateTable(entity.table).set({ scope_terms: scopeTerms(after.project_id, after.client_id) })
        .where(column, '=', id)
        .where((eb) => (column === 'project_id'
          ? (pair.client_id == null ? eb('client_id', 'is', null) : eb('client_id', '=', pair.client_id))
          : (pair.project_id == null ? eb('project_id', 'is', null) : eb('project_id', '=', pair.project_id))))
        .execute();
    }
  }
}

/** The hooks of a project's or client's CRUD that keep the full-text scope tokens and the memory index true on delete. */
export function forgetsScope(column: 'project_id' | 'client_id', deps: CrudDeps): CrudHooks {
  return {
    beforeDelete: (row, _ctx, trx) => forgetScope(trx, column, String(row.id)),
    afterCommit: (id, action) => { if (action === 'delete') deps.memoryIndex?.scopeRemoved(column, id); },
  };
}
