import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { crudRoutes } from '../../http/crud-routes.js';
import { User } from './entity.js';
import type { UserService } from './service.js';

const password = z.string().max(256).describe('At least 12 characters; not a common password');

/** Users CRUD, admins only (the entity's access rule). */
export function userRoutes(app: FastifyInstance, users: UserService) {
  crudRoutes(app, users, {
    createBody: User.schemas.create.extend({ password }),
    updateBody: User.schemas.update.extend({ password: password.optional() }),
  });
}
