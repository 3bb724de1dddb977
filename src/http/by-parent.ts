import type { FastifyInstance } from 'fastify';
import { IdParams } from '../entities/define-entity.js';
import type { CrudService } from '../entities/crud-service.js';
import { route } from './route.js';

/**
 * GET /api/<parent>/:id/<segment>: the children people navigate to (a client's sites, a host's services).
 * The parent is read through its own service first, so an out-of-scope parent is a 404 like any read.
 */
export function byParentRoute(app: FastifyInstance, parent: CrudService<any>, child: CrudService<any>, field: string, segment = child.entity.path): void {
  const query = child.entity.schemas.listQuery.omit({ [field]: true } as never);
  route(app, {
    method: 'GET', url: `/api/${parent.entity.path}/:id/${segment}`,
    tag: parent.entity.plural[0].toUpperCase() + parent.entity.plural.slice(1),
    summary: `List a ${parent.entity.name}'s ${segment.replace(/-/g, ' ')}`,
    params: IdParams, query, response: child.entity.schemas.page,
    handler: async ({ ctx, params, query }) => {
      await parent.get(ctx, params.id);
      return child.list(ctx, { ...(query as Record<string, unknown>), [field]: params.id });
    },
  });
}
