import type { FastifyInstance } from 'fastify';
import type { CrudService } from '../../entities/crud-service.js';
import { crudRoutes } from '../../http/crud-routes.js';

export function machineRoutes(app: FastifyInstance, machines: CrudService) {
  crudRoutes(app, machines);
}
