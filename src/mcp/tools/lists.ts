import { z } from 'zod';
import { parseInput, type CrudService } from '../../entities/crud-service.js';
import type { McpEnv } from '../env.js';

/** Paging for every index tool: small pages, because an index line per item is all a model needs first. */
export const pageInput = (defaultLimit = 20, maxLimit = 100) => ({
  limit: z.int().min(1).max(maxLimit).default(defaultLimit).describe(`How many items to list (at most ${maxLimit})`),
  offset: z.int().min(0).max(10_000).default(0).describe('Skip this many items: the previous answer says which offset comes next'),
});

/** A page from a CRUD service, its query checked by the entity's own list schema (the REST list's rules). */
export function listPage(env: McpEnv, service: CrudService, query: Record<string, unknown>) {
  const defined = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
  return service.list(env.ctx, parseInput(service.entity.schemas.listQuery, defined));
}
