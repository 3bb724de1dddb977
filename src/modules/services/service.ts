import { AppError } from '../../core/errors.js';
import { createCrudService, type CrudDeps } from '../../entities/crud-service.js';
import { ServiceRelationship } from './entity.js';

/** A relationship links two different services. */
export function createServiceRelationshipService(deps: CrudDeps) {
  const distinct = (values: Record<string, unknown>) => {
    if (values.from_service_id === values.to_service_id) {
      throw AppError.unprocessable('A service cannot relate to itself', [{ path: 'to_service_id', message: 'must differ from from_service_id', code: 'self_reference' }], 'self_reference');
    }
    return values;
  };
  return createCrudService(ServiceRelationship, deps, {
    beforeCreate: distinct,
    beforeUpdate: (patch, current) => { distinct({ ...current, ...patch }); return patch; },
  });
}
