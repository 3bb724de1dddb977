import type { Kysely } from 'kysely';
import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { createCrudService, type CrudDeps } from '../../entities/crud-service.js';
import { inClientScope } from '../../entities/policy.js';
import { visibleCondition } from '../vault/access.js';
import type { CredentialService } from '../vault/service.js';
import { SecurityIncident } from './entity.js';

type Row = Record<string, unknown>;
const idsOf = (row: Row) => (row.credential_ids as string[] | null | undefined) ?? [];

/**
 * Security incidents through the generic CRUD; the credentials involved must be ones the actor can see
 * (404 rules apply: an invisible one is an unknown reference) and belong to the incident's client.
 * Readers see only the credential ids they could see themselves; ids hidden from a writer are kept.
 */
export function createSecurityIncidentService(deps: CrudDeps, credentials: CredentialService) {
  const { db, clock } = deps;

  async function checkCredentials(values: Row, ctx: RequestContext, trx: Kysely<any>) {
    for (const [i, id] of idsOf(values).entries()) {
      let row: Row;
      try {
        ({ row } = await credentials.load(ctx, id, 'view', trx));
      } catch (e) {
        // Only "not there or not yours" is an unknown reference; a database error stays an error.
        if (e instanceof AppError && e.status === 404) throw AppError.unknownReference(`credential_ids.${i}`, 'credentials', id);
        throw e;
      }
      if (row.client_id != null && row.client_id !== values.client_id) {
        throw AppError.unprocessable('A credential belongs to another client', [{ path: `credential_ids.${i}`, message: 'belongs to another client than client_id', code: 'client_mismatch' }], 'client_mismatch');
      }
    }
  }

  /** Of these credential ids, the ones the actor may see (client scope, and restricted ones only with a grant). */
  async function visibleIds(ctx: RequestContext, ids: string[], from: Kysely<any> = db): Promise<Set<string>> {
    if (!ids.length || !ctx.actor || ctx.actor.role === 'admin') return new Set(ids);
    const visible = visibleCondition(ctx, clock.now().toISOString());
    const rows = await from.selectFrom('credentials').select(['id', 'client_id']).where('id', 'in', ids)
      .$if(!!visible, (q) => q.where(visible!)).execute();
    return new Set(rows.filter((r) => inClientScope(ctx, r.client_id)).map((r) => String(r.id)));
  }

  async function redact<T extends Row>(ctx: RequestContext, rows: T[]): Promise<T[]> {
    const seen = await visibleIds(ctx, [...new Set(rows.flatMap(idsOf))]);
    return rows.map((r) => (r.credential_ids == null ? r : { ...r, credential_ids: idsOf(r).filter((id) => seen.has(id)) }));
  }

  const crud = createCrudService(SecurityIncident, deps, {
    async beforeCreate(values, ctx, trx) { await checkCredentials(values, ctx, trx); return values; },
    async beforeUpdate(patch, current, ctx, trx) {
      if (patch.credential_ids === undefined && patch.client_id === undefined) return patch;
      const before = SecurityIncident.decode(current) as Row;
      const seen = await visibleIds(ctx, idsOf(before), trx);
      const hidden = idsOf(before).filter((id) => !seen.has(id));
      const clientId = patch.client_id ?? before.client_id;
      // A new client_id is checked against the credentials already linked, too.
      await checkCredentials({ client_id: clientId, credential_ids: patch.credential_ids === undefined ? idsOf(before).filter((id) => seen.has(id)) : patch.credential_ids }, ctx, trx);
      if (hidden.length) {
        // Those the writer cannot see are checked without naming them.
        const other = await trx.selectFrom('credentials').select('id').where('id', 'in', hidden).where('client_id', 'is not', null)
          .where('client_id', '!=', clientId as string).executeTakeFirst();
        if (other) {
          throw AppError.unprocessable('A credential linked to this incident belongs to another client', [{ path: 'client_id', message: 'a linked credential belongs to another client', code: 'client_mismatch' }], 'client_mismatch');
        }
      }
      // Credentials the writer cannot see stay linked: they never saw them, so they cannot mean to drop them.
      if (patch.credential_ids === undefined || !hidden.length) return patch;
      return { ...patch, credential_ids: [...new Set([...idsOf(patch), ...hidden])] };
    },
  });

  return {
    ...crud,
    async list(ctx: RequestContext, query: Row) {
      const page = await crud.list(ctx, query);
      return { ...page, items: await redact(ctx, page.items as Row[]) } as typeof page;
    },
    async get(ctx: RequestContext, id: string) {
      return (await redact(ctx, [await crud.get(ctx, id) as Row]))[0] as Awaited<ReturnType<typeof crud.get>>;
    },
    async create(ctx: RequestContext, input: Row) {
      return (await redact(ctx, [await crud.create(ctx, input) as Row]))[0] as Awaited<ReturnType<typeof crud.create>>;
    },
    async update(ctx: RequestContext, id: string, patch: Row) {
      return (await redact(ctx, [await crud.update(ctx, id, patch) as Row]))[0] as Awaited<ReturnType<typeof crud.update>>;
    },
  };
}

/** Unlinks a deleted credential from every incident that names it (in the delete's transaction, audited). */
export async function unlinkCredential(trx: Kysely<any>, credentialId: string, at: string, onChange: (incidentId: string, from: string[], to: string[]) => Promise<void>) {
  const rows = await trx.selectFrom('security_incidents').select(['id', 'credential_ids']).where('credential_ids', 'like', `%${credentialId}%`).execute();
  for (const r of rows) {
    const from = JSON.parse(String(r.credential_ids)) as string[];
    if (!from.includes(credentialId)) continue;
    const to = from.filter((id) => id !== credentialId);
    await trx.updateTable('security_incidents').set({ credential_ids: JSON.stringify(to), updated_at: at }).where('id', '=', r.id).execute();
    await onChange(String(r.id), from, to);
  }
}
