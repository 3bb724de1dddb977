import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { RequestContext } from '../../core/context.js';
import { newId } from '../../core/ids.js';
import { maskSecrets } from '../../core/mask.js';
import type { Database } from '../../db/schema.js';
import type { ChainProblem, ChainVerification } from './chain.js';
import { appendToChain, verifyChain } from './chain-store.js';

export interface AuditEntry {
  action: string;
  entity: string;
  entity_id?: string | null;
  /** A diff or snapshot; secret-named fields are masked before storage. */
  changes?: unknown;
  /** Extra field names to mask, for entities whose secrets have other names. */
  secretFields?: readonly string[];
}

export interface AuditService {
  /** Appends one row to the chain inside the caller's transaction, so the mutation and its audit commit together. */
  record(trx: Kysely<Database>, ctx: RequestContext, entry: AuditEntry): Promise<void>;
  /** Verifies every chain (audit_logs, credential_audit_logs); the first problem names its chain. */
  verify(): Promise<AuditVerification>;
}

const CHAIN = 'audit_logs';
/** Every hash chain the server keeps, verified together. */
export const CHAINS = ['audit_logs', 'credential_audit_logs'] as const;

export interface AuditVerification extends ChainVerification {
  first_problem: (ChainProblem & { chain: string }) | null;
  chains: Record<string, ChainVerification>;
}

export function createAuditService({ db, key, clock }: { db: Kysely<Database>; key: Buffer; clock: Clock }): AuditService {
  return {
    async record(trx, ctx, entry) {
      const actor = ctx.actor;
      await appendToChain(trx, key, CHAIN, {
        id: newId(),
        actor_type: actor ? (actor.api_key_id ? 'api_key' : 'user') : 'system',
        actor_id: actor ? (actor.api_key_id ?? actor.user_id) : null,
        user_id: actor?.user_id ?? null,
        action: entry.action,
        entity: entry.entity,
        entity_id: entry.entity_id ?? null,
        changes: entry.changes === undefined ? null : JSON.stringify(maskSecrets(entry.changes, entry.secretFields)),
        ip_address: ctx.ip ?? null,
        request_id: ctx.request_id ?? null,
        occurred_at: clock.now().toISOString(),
      });
    },

    async verify() {
      const results: Record<string, ChainVerification> = {};
      for (const chain of CHAINS) results[chain] = await verifyChain(db, key, chain);
      const broken = CHAINS.find((c) => !results[c].ok);
      return {
        ok: !broken,
        checked: CHAINS.reduce((n, c) => n + results[c].checked, 0),
        first_problem: broken ? { ...results[broken].first_problem!, chain: broken, message: `${broken}: ${results[broken].first_problem!.message}` } : null,
        chains: results,
      };
    },
  };
}
