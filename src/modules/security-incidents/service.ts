import type { Kysely } from 'kysely';
import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { createCrudService, type CrudDeps } from '../../entities/crud-service.js';
import type { CredentialService } from '../vault/service.js';
import { SecurityIncident } from './entity.js';

/**
 * Security incidents through the generic CRUD; the credentials involved must be ones the actor can see
 * (404 rules apply: an invisible one is an unknown reference) and belong to the incident's client.
 */
export function createSecurityIncidentService(deps: CrudDeps, credentials: CredentialService) {
  async function checkCredentials(values: Record<string, unknown>, ctx: RequestContext, trx: Kysely<any>) {
    const ids = (values.credential_ids as string[] | null | undefined) ?? [];
    for (const [i, id] of ids.entries()) {
      const row = await credentials.load(ctx, id, 'view', trx).then((r) => r.row, () => null);
      if (!row) throw AppError.unknownReference(`credential_ids.${i}`, 'credentials', id);
      if (row.client_id != null && row.client_id !== values.client_id) {
        throw AppError.unprocessable('A credential belongs to another client', [{ path: `credential_ids.${i}`, message: 'belongs to another client than client_id', code: 'client_mismatch' }], 'client_mismatch');
      }
    }
  }
  return createCrudService(SecurityIncident, deps, {
    async beforeCreate(values, ctx, trx) { await checkCredentials(values, ctx, trx); return values; },
    async beforeUpdate(patch, current, ctx, trx) {
      if (patch.credential_ids !== undefined) await checkCredentials({ ...current, ...patch }, ctx, trx);
      return patch;
    },
  });
}
