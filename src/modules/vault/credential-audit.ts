import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { RequestContext } from '../../core/context.js';
import { newId } from '../../core/ids.js';
import { maskSecrets } from '../../core/mask.js';
import { appendToChain } from '../audit/chain-store.js';
import { SECRET_FIELDS } from './entity.js';

export const CREDENTIAL_ACTIONS = ['create', 'update', 'view', 'reveal', 'totp', 'rotate', 'delete', 'permission_change'] as const;
export type CredentialAction = (typeof CREDENTIAL_ACTIONS)[number];

export interface CredentialAuditEntry {
  credential_id: string;
  action: CredentialAction;
  reason?: string | null;
  /** Which fields, versions or grants were involved: names and numbers, never a secret value (masked anyway). */
  details?: Record<string, unknown>;
}

/** The chain every credential action lands in, one row per action, in the caller's transaction. */
export const CREDENTIAL_CHAIN = 'credential_audit_logs';

export function createCredentialAudit({ key, clock }: { key: Buffer; clock: Clock }) {
  return {
    async record(trx: Kysely<any>, ctx: RequestContext, entry: CredentialAuditEntry): Promise<void> {
      const actor = ctx.actor;
      await appendToChain(trx, key, CREDENTIAL_CHAIN, {
        id: newId(),
        credential_id: entry.credential_id,
        action: entry.action,
        actor_type: actor ? (actor.api_key_id ? 'api_key' : 'user') : 'system',
        actor_id: actor ? (actor.api_key_id ?? actor.user_id) : null,
        user_id: actor?.user_id ?? null,
        machine_id: actor?.machine_id ?? null,
        ip_address: ctx.ip ?? null,
        user_agent: ctx.user_agent ?? null,
        reason: entry.reason ?? null,
        details: entry.details ? JSON.stringify(maskSecrets(entry.details, SECRET_FIELDS)) : null,
        occurred_at: clock.now().toISOString(),
      });
    },
  };
}

export type CredentialAudit = ReturnType<typeof createCredentialAudit>;
