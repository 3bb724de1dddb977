import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { route } from '../../http/route.js';
import type { AuditService } from './service.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../core/pagination.js';

const AuditRow = z.object({
  id: z.string(), seq: z.number().int(), actor_type: z.string(), actor_id: z.string().nullable(), user_id: z.string().nullable(),
  action: z.string(), entity: z.string(), entity_id: z.string().nullable(), changes: z.unknown().nullable(),
  ip_address: z.string().nullable(), request_id: z.string().nullable(), occurred_at: z.string(), prev_hash: z.string(), hash: z.string(),
});
const Problem = z.object({ seq: z.number(), id: z.string().nullable(), problem: z.string(), message: z.string() });
const ChainResult = z.object({ ok: z.boolean(), checked: z.number().int(), first_problem: Problem.nullable() });
const Verification = ChainResult.extend({
  first_problem: Problem.extend({ chain: z.string().describe('The table whose chain broke') }).nullable(),
  chains: z.record(z.string(), ChainResult).describe('Each chain on its own: audit_logs and credential_audit_logs'),
});
const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  offset: z.coerce.number().int().min(0).default(0),
  entity: z.string().max(60).optional(),
  entity_id: z.string().max(64).optional(),
  user_id: z.uuid().optional(),
  action: z.string().max(60).optional(),
});

const adminOnly = (role?: string) => { if (role !== 'admin') throw AppError.forbidden('Only admins read the audit log'); };

export function auditRoutes(app: FastifyInstance, { db, audit }: { db: Kysely<Database>; audit: AuditService }) {
  const tag = 'Audit';
  route(app, {
    method: 'GET', url: '/api/audit-logs', tag, summary: 'List audit log rows, newest first (admins)', query: AuditQuery,
    response: z.object({ items: z.array(AuditRow), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }),
    handler: async ({ ctx, query }) => {
      adminOnly(ctx.actor?.role);
      const { limit, offset, ...filters } = query;
      let q = db.selectFrom('audit_logs');
      for (const [k, v] of Object.entries(filters)) if (v !== undefined) q = q.where(k as 'entity', '=', v);
      const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
      const rows = await q.selectAll().orderBy('seq', 'desc').limit(limit).offset(offset).execute();
      return { items: rows.map((r) => ({ ...r, seq: Number(r.seq), changes: r.changes ? JSON.parse(r.changes) : null })), total, limit, offset };
    },
  });
  route(app, {
    method: 'GET', url: '/api/audit/verify', tag, summary: 'Verify the audit hash chains (admins)',
    description: 'Walks audit_logs and credential_audit_logs and names the first row that was altered, removed or inserted.',
    response: Verification,
    handler: async ({ ctx }) => { adminOnly(ctx.actor?.role); return audit.verify(); },
  });
}
