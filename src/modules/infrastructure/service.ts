import { createCrudService, type CrudDeps } from '../../entities/crud-service.js';
import { assertNotOwnAncestor } from '../../entities/hierarchy.js';
import { Infrastructure } from './entity.js';

/** Infrastructure: a VM cannot host its own host (no cycles through parent_host_id). */
export function createInfrastructureService(deps: CrudDeps) {
  return createCrudService(Infrastructure, deps, {
    async beforeUpdate(patch, current, _ctx, trx) {
      await assertNotOwnAncestor(trx, 'infrastructure', 'parent_host_id', String(current.id), patch.parent_host_id, 'host');
      return patch;
    },
  });
}
