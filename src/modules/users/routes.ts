import type { FastifyInstance } from 'fastify';
import { crudRoutes } from '../../http/crud-routes.js';
import type { UserService } from './service.js';

/** Users CRUD, admins only (the entity's access rule). */
export function userRoutes(app: FastifyInstance, users: UserService) {
  crudRoutes(app, users);
}
