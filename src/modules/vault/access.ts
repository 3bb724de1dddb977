import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import type { RequestContext } from '../../core/context.js';
import { inClientScope } from '../../entities/policy.js';

/** Per-credential permission levels, each including the ones before it. */
export const LEVELS = ['view', 'reveal', 'manage'] as const;
export type Level = (typeof LEVELS)[number];

export const atLeast = (level: Level | null, need: Level): boolean => level !== null && LEVELS.indexOf(level) >= LEVELS.indexOf(need);
const lower = (a: Level, b: Level): Level => (LEVELS.indexOf(a) <= LEVELS.indexOf(b) ? a : b);

/** Whether the actor may decrypt at all: users and unscoped API keys yes; a scoped API key only with `reveal` (or `mcp_reveal`, which includes it). */
export const mayReveal = (ctx: RequestContext): boolean => !ctx.actor?.scopes || ctx.actor.scopes.includes('reveal') || ctx.actor.scopes.includes('mcp_reveal');

/** Whether the MCP reveal tool is offered: only to an API key an admin gave the `mcp_reveal` scope. */
export const mayRevealOverMcp = (ctx: RequestContext): boolean => Boolean(ctx.actor?.api_key_id && ctx.actor.scopes?.includes('mcp_reveal'));

/**
 * The most a role (and API key scope) allows on any credential: viewers only see metadata; read-only keys never
 * change; keys without the `reveal` scope never decrypt (a write key without it manages but does not reveal: see mayReveal).
 */
function roleCap(ctx: RequestContext): Level {
  const actor = ctx.actor!;
  if (actor.role === 'viewer') return 'view';
  if (actor.scopes && !actor.scopes.includes('write')) return mayReveal(ctx) ? 'reveal' : 'view';
  return 'manage';
}

/**
 * What the actor may do with one credential, or null when it is invisible to them (404).
 * Client scope first; then admins may do everything their key allows; on a `restricted` credential
 * everyone else needs an unexpired grant, capped by their role.
 */
export async function levelFor(db: Kysely<any>, ctx: RequestContext, row: Record<string, unknown>, now: string): Promise<Level | null> {
  if (!ctx.actor) return 'manage'; // the system itself (rotation, server CLI)
  if (!inClientScope(ctx, row.client_id)) return null;
  const cap = roleCap(ctx);
  if (ctx.actor.role === 'admin' || !Number(row.restricted)) return cap;
  const grant = await db.selectFrom('credential_permissions').select('level')
    .where('credential_id', '=', row.id as string).where('user_id', '=', ctx.actor.user_id)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return grant ? lower(grant.level as Level, cap) : null;
}

/** The list-side twin of levelFor: non-admins see unrestricted credentials and those they hold a live grant on. */
export function visibleCondition(ctx: RequestContext, now: string): ((eb: ExpressionBuilder<any, any>) => Expression<SqlBool>) | undefined {
  if (!ctx.actor || ctx.actor.role === 'admin') return undefined;
  const userId = ctx.actor.user_id;
  return (eb) => eb.or([
    eb('restricted', '=', 0),
    eb('id', 'in', eb.selectFrom('credential_permissions').select('credential_id').where('user_id', '=', userId)
      .where((inner) => inner.or([inner('expires_at', 'is', null), inner('expires_at', '>', now)]))),
  ]);
}
