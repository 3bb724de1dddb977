import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

/**
 * The ledger that makes hook deliveries idempotent: the hook client spools every write with a key and
 * may deliver it more than once (a retry after a timeout, two flushers); the first delivery inserts
 * the key in the same transaction as its effect, every later one hits the unique key and is skipped.
 * Frozen once shipped.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('hook_events')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('idempotency_key', t.string(100), (c) => c.notNull().unique())
    .addColumn('event_type', t.string(40), (c) => c.notNull())
    .addColumn('session_id', t.id, (c) => c.references('sessions.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hook_events_session_id_idx').on('hook_events').column('session_id').execute();
}
