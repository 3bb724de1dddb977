import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { createCrudService, type CrudDeps, type CrudService } from '../../entities/crud-service.js';
import { ProjectState } from './entities.js';
import { scrub } from './scrub.js';

/**
 * One state per project (a unique key), readable and writable by project. Its prose is redacted like
 * every memory's; its client scope is its project's.
 */
export function createProjectStateService(deps: CrudDeps, projects: CrudService) {
  const crud = createCrudService(ProjectState, deps, {
    beforeCreate: (values) => scrub(ProjectState, values),
    beforeUpdate: (patch) => scrub(ProjectState, patch),
  });
  const idFor = async (projectId: string) =>
    (await deps.db.selectFrom('project_states').select('id').where('project_id', '=', projectId).executeTakeFirst())?.id as string | undefined;

  return {
    ...crud,

    /** The project's state; 404 when the project is unknown or out of scope, or has no state yet. */
    async getByProject(ctx: RequestContext, projectId: string) {
      await projects.get(ctx, projectId);
      const id = await idFor(projectId);
      if (!id) throw AppError.notFound('project state for project', projectId);
      return crud.get(ctx, id);
    },

    /** Creates the project's state or updates the one it has; `created` says which. */
    async upsertByProject(ctx: RequestContext, projectId: string, input: Record<string, unknown>) {
      await projects.get(ctx, projectId);
      const id = await idFor(projectId);
      if (id) return { row: await crud.update(ctx, id, input), created: false };
      try {
        return { row: await crud.create(ctx, { ...input, project_id: projectId }), created: true };
      } catch (err) {
        // A concurrent request created it between our look and our insert: the unique key let that one
        // win (409 here), so this request updates the winner instead of failing.
        if (!(err instanceof AppError && err.code === 'already_exists')) throw err;
        const winner = await idFor(projectId);
        if (!winner) throw err;
        return { row: await crud.update(ctx, winner, input), created: false };
      }
    },
  };
}
