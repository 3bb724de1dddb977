import { z } from 'zod';
import type { Services } from '../app.js';
import type { RequestContext } from '../core/context.js';
import { AppError } from '../core/errors.js';

const isId = (value: string) => z.uuid().safeParse(value).success;

/** Agents know a project by its slug and a client by its short code far more often than by id: tools take either. */
export const ProjectHandle = z.string().trim().min(1).max(100).describe('The project: its slug (e.g. "acme-portal") or its id');
export const ClientHandle = z.string().trim().min(1).max(100).describe('The client: its short code (e.g. "ACME"; any case) or its id');

/** The project and client handles a tool was given (either may be left out). */
export interface OwnerHandles { project?: unknown; client?: unknown }

/**
 * Handles to rows and ids, through the same services (so client scoping applies): a project or client
 * the actor may not see reads as not found, exactly like an unknown one. Both match ignoring case: slugs
 * are lowercase by their schema; a short code is looked up as given first, then ignoring case, and two
 * codes differing only in case (which SQLite and PostgreSQL let exist) are an error naming both.
 */
export function createHandles(services: Services, ctx: RequestContext) {
  async function project(value: string) {
    if (isId(value)) return services.projects.get(ctx, value.toLowerCase());
    const page = await services.projects.list(ctx, { slug: value.toLowerCase(), limit: 1, offset: 0 });
    if (!page.items.length) throw AppError.notFound('project', value);
    return page.items[0]!;
  }

  async function client(value: string) {
    if (isId(value)) return services.clients.get(ctx, value.toLowerCase());
    const exact = await services.clients.list(ctx, { short_code: value, limit: 1, offset: 0 });
    if (exact.items.length) return exact.items[0]!;
    const caseless = await services.clients.list(ctx, { limit: 2, offset: 0 }, { caseless: { short_code: value } });
    if (!caseless.items.length) throw AppError.notFound('client', value);
    if (caseless.items.length > 1) {
      throw AppError.validation([{ path: 'client', message: `${value} matches ${caseless.items.map((c) => c.short_code).join(' and ')}: give the exact short code or the id` }]);
    }
    return caseless.items[0]!;
  }

  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

  return {
    project,
    client,
    async projectId(value: string | undefined) { return value ? String((await project(value)).id) : undefined; },
    async clientId(value: string | undefined) { return value ? String((await client(value)).id) : undefined; },
    /**
     * The ids of the project and client handles given, each resolved on its own. With `impliedClient`, a
     * project given without a client brings its own client: what a new record (a task, a time entry) is
     * filed under. Filters never imply it: records hold a project_id without a client_id (REST and the
     * CLI may leave it out), and a client filter would hide them.
     */
    async owner(handles: OwnerHandles, opts: { impliedClient?: boolean } = {}) {
      const projectRow = str(handles.project) ? await project(str(handles.project)!) : undefined;
      const clientHandle = str(handles.client);
      const implied = opts.impliedClient ? ((projectRow?.client_id as string | null | undefined) ?? undefined) : undefined;
      return {
        project_id: projectRow ? String(projectRow.id) : undefined,
        client_id: clientHandle ? String((await client(clientHandle)).id) : implied,
      };
    },
  };
}

export type Handles = ReturnType<typeof createHandles>;
