import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { RequestContext } from '../../core/context.js';
import { newId } from '../../core/ids.js';
import { maskSecrets } from '../../core/mask.js';
import { dialectOf } from '../../db/dialect.js';
import type { Database } from '../../db/schema.js';
import { ChainVerifier, chainHash, normalizeRow, type ChainVerification } from './chain.js';

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
  verify(): Promise<ChainVerification>;
}

const CHAIN = 'audit_logs';

export function createAuditService({ db, key, clock }: { db: Kysely<Database>; key: Buffer; clock: Clock }): AuditService {
  return {
    async record(trx, ctx, entry) {
      // Locking the chain's head row serializes appends across connections and servers.
      const head = await trx.selectFrom('audit_heads').select(['seq', 'hash']).where('chain', '=', CHAIN)
        .$if(dialectOf(trx) !== 'sqlite', (q) => q.forUpdate())
        .executeTakeFirstOrThrow();
      const actor = ctx.actor;
      const row = {
        id: newId(),
        seq: Number(head.seq) + 1,
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
        prev_hash: head.hash,
      };
      const hash = chainHash(key, head.hash, normalizeRow(row));
      await trx.insertInto('audit_logs').values({ ...row, hash }).execute();
      await trx.updateTable('audit_heads').set({ seq: row.seq, hash }).where('chain', '=', CHAIN).execute();
    },

    async verify() {
      const verifier = new ChainVerifier(key);
      const pageSize = 1000;
      for (let after = 0; ; ) {
        const rows = await db.selectFrom('audit_logs').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
        for (const row of rows) if (!verifier.next(row)) break;
        if (verifier.problem || rows.length < pageSize) break;
        after = Number(rows[rows.length - 1].seq);
      }
      const head = await db.selectFrom('audit_heads').select(['seq', 'hash']).where('chain', '=', CHAIN).executeTakeFirst();
      return verifier.finish(head);
    },
  };
}
