import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../core/pagination.js';
import { IdParams } from '../../entities/define-entity.js';
import { route } from '../../http/route.js';
import { LEVELS } from './access.js';
import { CREDENTIAL_ACTIONS } from './credential-audit.js';
import { CredentialCreate, CredentialListQuery, CredentialMeta, CredentialUpdate, RevealBody, RevealReason, Revealed, SECRET_FIELDS, hasFlag } from './entity.js';
import type { VaultServices } from './index.js';

const tag = 'Credentials';
const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
const Grants = z.object({ items: z.array(z.object({ user_id: z.string(), level: z.enum(LEVELS), granted_by: z.string().nullable(), granted_at: z.string(), expires_at: z.string().nullable() })) });
const Version = z.object({
  version: z.number().int(), current: z.boolean(), created_at: z.string(), replaced_at: z.string().nullable(), replaced_by: z.string().nullable(),
  ...Object.fromEntries(SECRET_FIELDS.map((f) => [hasFlag(f), z.boolean()])),
});
const AuditRow = z.object({
  id: z.string(), seq: z.number().int(), credential_id: z.string().nullable(), action: z.string(), actor_type: z.string(), actor_id: z.string().nullable(),
  user_id: z.string().nullable(), machine_id: z.string().nullable(), ip_address: z.string().nullable(), user_agent: z.string().nullable(),
  reason: z.string().nullable(), details: z.unknown().nullable(), occurred_at: z.string(), prev_hash: z.string(), hash: z.string(),
});
const AuditQuery = z.strictObject({
  credential_id: z.uuid().optional().describe('One credential\'s history (needs view on it); without it, admins only'),
  action: z.enum(CREDENTIAL_ACTIONS).optional(),
  user_id: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  offset: z.coerce.number().int().min(0).default(0),
});
const noStore = (reply: { header(k: string, v: string): unknown }) => { reply.header('cache-control', 'no-store'); reply.header('pragma', 'no-cache'); };

export function vaultRoutes(app: FastifyInstance, v: VaultServices) {
  const c = v.credentials;
  route(app, { method: 'GET', url: '/api/credentials', tag, summary: 'List credentials (metadata only, nothing decrypted)', query: CredentialListQuery, response: page(CredentialMeta),
    handler: ({ ctx, query }) => c.list(ctx, query) });
  route(app, { method: 'POST', url: '/api/credentials', tag, summary: 'Create a credential (secrets are encrypted)', body: CredentialCreate, status: 201, response: CredentialMeta,
    handler: ({ ctx, body }) => c.create(ctx, body) });
  route(app, { method: 'GET', url: '/api/credentials/:id', tag, summary: 'Get a credential\'s metadata (audited as a view)', params: IdParams, response: CredentialMeta,
    handler: ({ ctx, params }) => c.get(ctx, params.id) });
  route(app, { method: 'PATCH', url: '/api/credentials/:id', tag, summary: 'Update a credential; a changed secret keeps the old one as a version', params: IdParams, body: CredentialUpdate, response: CredentialMeta,
    handler: ({ ctx, params, body }) => c.update(ctx, params.id, body) });
  route(app, { method: 'DELETE', url: '/api/credentials/:id', tag, summary: 'Delete a credential and its versions', params: IdParams,
    handler: ({ ctx, params }) => c.remove(ctx, params.id) });
  route(app, { method: 'POST', url: '/api/credentials/:id/reveal', tag, summary: 'Reveal a credential\'s secrets (reveal permission; audited)',
    description: 'Answers with Cache-Control: no-store. Give a reason; the server may require one (400 reason_required).',
    params: IdParams, body: RevealBody, response: Revealed,
    handler: async ({ ctx, params, body, reply }) => { noStore(reply); return c.reveal(ctx, params.id, body ?? {}); } });
  route(app, { method: 'GET', url: '/api/credentials/:id/totp', tag, summary: 'The current TOTP code (reveal permission; audited)', params: IdParams,
    query: z.strictObject({ reason: RevealReason }),
    response: z.object({ id: z.string(), code: z.string(), digits: z.number().int(), period: z.number().int(), expires_in: z.number().int() }),
    handler: async ({ ctx, params, query, reply }) => { noStore(reply); return c.totp(ctx, params.id, query); } });
  route(app, { method: 'GET', url: '/api/credentials/:id/versions', tag, summary: 'Secret versions of a credential (metadata only)', params: IdParams,
    response: z.object({ items: z.array(Version) }), handler: ({ ctx, params }) => c.versions(ctx, params.id) });

  const GrantParams = z.strictObject({ id: z.uuid(), user_id: z.uuid() });
  route(app, { method: 'GET', url: '/api/credentials/:id/permissions', tag, summary: 'Per-credential grants (manage permission)', params: IdParams, response: Grants,
    handler: ({ ctx, params }) => v.permissions.list(ctx, params.id) });
  route(app, { method: 'PUT', url: '/api/credentials/:id/permissions/:user_id', tag, summary: 'Grant a user view, reveal or manage on a credential', params: GrantParams,
    body: z.strictObject({ level: z.enum(LEVELS), expires_at: z.iso.datetime({ offset: true }).transform((x) => new Date(x).toISOString()).nullish() }), response: Grants,
    handler: ({ ctx, params, body }) => v.permissions.grant(ctx, params.id, params.user_id, body) });
  route(app, { method: 'DELETE', url: '/api/credentials/:id/permissions/:user_id', tag, summary: 'Revoke a user\'s grant on a credential', params: GrantParams,
    handler: ({ ctx, params }) => v.permissions.revoke(ctx, params.id, params.user_id) });

  route(app, { method: 'GET', url: '/api/credential-audit-logs', tag: 'Audit', summary: 'Credential audit rows, newest first', query: AuditQuery, response: page(AuditRow),
    handler: async ({ ctx, query }) => {
      const { limit, offset, ...filters } = query;
      // Admins read every history, deleted credentials' included; others one credential they can see.
      if (ctx.actor?.role !== 'admin') {
        if (!filters.credential_id) throw AppError.forbidden('Give credential_id, or be an admin to read every credential\'s history');
        await c.load(ctx, filters.credential_id, 'view');
      }
      let q = v.db.selectFrom('credential_audit_logs');
      for (const [k, val] of Object.entries(filters)) if (val !== undefined) q = q.where(k, '=', val);
      const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
      const rows = await q.selectAll().orderBy('seq', 'desc').limit(limit).offset(offset).execute();
      return { items: rows.map((r) => ({ ...r, seq: Number(r.seq), details: r.details ? JSON.parse(r.details) : null })), total, limit, offset };
    } });
}
