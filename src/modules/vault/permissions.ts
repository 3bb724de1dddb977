import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Database } from '../../db/schema.js';
import type { AuditService } from '../audit/service.js';
import type { Level } from './access.js';
import type { CredentialAudit } from './credential-audit.js';
import type { CredentialService } from './service.js';

/**
 * Per-credential grants (view / reveal / manage), managed by whoever holds manage on the credential.
 * Each grant, change or revoke writes one `permission_change` row to the credential audit chain (and, like every
 * mutation, one audit_logs row).
 */
export function createPermissionService({ db, clock, audit, credentialAudit, credentials }: {
  db: Kysely<Database>; clock: Clock; audit: AuditService; credentialAudit: CredentialAudit; credentials: CredentialService;
}) {
  const list = (credentialId: string, from: Kysely<any> = db) => from.selectFrom('credential_permissions')
    .select(['user_id', 'level', 'granted_by', 'granted_at', 'expires_at']).where('credential_id', '=', credentialId).orderBy('granted_at').execute();

  return {
    async list(ctx: RequestContext, credentialId: string) {
      await credentials.load(ctx, credentialId, 'manage');
      return { items: await list(credentialId) };
    },

    async grant(ctx: RequestContext, credentialId: string, userId: string, body: { level: Level; expires_at?: string | null }) {
      return db.transaction().execute(async (trx) => {
        await credentials.load(ctx, credentialId, 'manage', trx);
        const user = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
        if (!user) throw AppError.unknownReference('user_id', 'users', userId);
        const previous = await trx.selectFrom('credential_permissions').select('level').where('credential_id', '=', credentialId).where('user_id', '=', userId).executeTakeFirst();
        await trx.deleteFrom('credential_permissions').where('credential_id', '=', credentialId).where('user_id', '=', userId).execute();
        const at = clock.now().toISOString();
        await trx.insertInto('credential_permissions').values({
          id: newId(), credential_id: credentialId, user_id: userId, level: body.level, granted_by: ctx.actor?.user_id ?? null, granted_at: at, expires_at: body.expires_at ?? null,
        }).execute();
        const details = { user_id: userId, level: body.level, previous_level: previous?.level ?? null, expires_at: body.expires_at ?? null };
        await audit.record(trx, ctx, { action: previous ? 'update' : 'create', entity: 'credential_permissions', entity_id: credentialId, changes: details });
        await credentialAudit.record(trx, ctx, { credential_id: credentialId, action: 'permission_change', details });
        return { items: await list(credentialId, trx) };
      });
    },

    async revoke(ctx: RequestContext, credentialId: string, userId: string) {
      await db.transaction().execute(async (trx) => {
        await credentials.load(ctx, credentialId, 'manage', trx);
        const previous = await trx.selectFrom('credential_permissions').select('level').where('credential_id', '=', credentialId).where('user_id', '=', userId).executeTakeFirst();
        if (!previous) throw AppError.notFound('grant for user', userId);
        await trx.deleteFrom('credential_permissions').where('credential_id', '=', credentialId).where('user_id', '=', userId).execute();
        const details = { user_id: userId, level: null, previous_level: previous.level };
        await audit.record(trx, ctx, { action: 'delete', entity: 'credential_permissions', entity_id: credentialId, changes: details });
        await credentialAudit.record(trx, ctx, { credential_id: credentialId, action: 'permission_change', details });
      });
    },
  };
}

export type PermissionService = ReturnType<typeof createPermissionService>;
