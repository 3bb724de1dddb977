import { AppError } from '../core/errors.js';
import type { Actor, RequestContext, Role } from '../core/context.js';

const RANK: Record<Role, number> = { viewer: 0, technician: 1, admin: 2 };

/** The acting user, or 401: services are only called anonymously by the system itself. */
export function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw AppError.unauthorized();
  return ctx.actor;
}

/**
 * Role check for an entity action. Reads need `read`; writes need `write` (never viewer)
 * and, for an API key with scopes, the `write` scope.
 */
export function assertAccess(ctx: RequestContext, need: Role, write: boolean): void {
  if (!ctx.actor) return; // the system itself (bootstrap, server CLI)
  const actor = ctx.actor;
  if (RANK[actor.role] < RANK[need]) throw AppError.forbidden();
  if (write && actor.role === 'viewer') throw AppError.forbidden('Viewers have read-only access');
  if (write && actor.scopes && !actor.scopes.includes('write')) throw AppError.forbidden('This API key is read-only', 'insufficient_scope');
}

/** The client ids an actor is limited to, or null for all. */
export const clientLimit = (ctx: RequestContext): string[] | null => ctx.actor?.client_scope ?? null;

/** Whether a row tied to `clientId` is visible; rows tied to no client are visible to everyone. */
export function inClientScope(ctx: RequestContext, clientId: unknown): boolean {
  const limit = clientLimit(ctx);
  return limit === null || clientId == null || limit.includes(String(clientId));
}
