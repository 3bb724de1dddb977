import { z } from 'zod';
import type { Services } from '../app.js';
import type { RequestContext } from '../core/context.js';
import { AppError } from '../core/errors.js';

const isId = (value: string) => z.uuid().safeParse(value).success;

/** Agents know a project by its slug and a client by its short code far more often than by id: tools take either. */
export const ProjectHandle = z.string().trim().min(1).max(100).describe('The project: its slug (e.g. "acme-portal") or its id');
export const ClientHandle = z.string().trim().min(1).max(100).describe('The client: its short code (e.g. "ACME") or its id');

/**
 * Handles to ids, through the same services (so client scoping applies): a project or client the
 * actor may not see reads as not found, exactly like an unknown one.
 */
export function createHandles(services: Services, ctx: RequestContext) {
  async function resolve(service: Services['projects'] | Services['clients'], field: 'slug' | 'short_code', value: string) {
    if (isId(value)) return service.get(ctx, value.toLowerCase());
    const page = await service.list(ctx, { [field]: value, limit: 1, offset: 0 });
    if (!page.items.length) throw AppError.notFound(service.entity.name, value);
    return page.items[0]!;
  }
  return {
    project: (value: string) => resolve(services.projects, 'slug', value),
    client: (value: string) => resolve(services.clients, 'short_code', value),
    async projectId(value: string | undefined) { return value ? String((await resolve(services.projects, 'slug', value)).id) : undefined; },
    async clientId(value: string | undefined) { return value ? String((await resolve(services.clients, 'short_code', value)).id) : undefined; },
  };
}

export type Handles = ReturnType<typeof createHandles>;
