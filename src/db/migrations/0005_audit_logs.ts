import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

/** The audit chain: rows are append-only; audit_heads holds each chain's tip and serializes appends. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('audit_logs')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('seq', t.bigint, (c) => c.notNull().unique())
    .addColumn('actor_type', t.string(20), (c) => c.notNull())
    .addColumn('actor_id', t.string(36))
    .addColumn('user_id', t.string(36))
    .addColumn('action', t.string(60), (c) => c.notNull())
    .addColumn('entity', t.string(60), (c) => c.notNull())
    .addColumn('entity_id', t.string(64))
    .addColumn('changes', t.json(db))
    .addColumn('ip_address', t.string(64))
    .addColumn('request_id', t.string(64))
    .addColumn('occurred_at', t.timestamp, (c) => c.notNull())
    .addColumn('prev_hash', t.string(64), (c) => c.notNull())
    .addColumn('hash', t.string(64), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_logs_entity_entity_id_idx').on('audit_logs').columns(['entity', 'entity_id']).execute();
  await db.schema.createIndex('audit_logs_occurred_at_idx').on('audit_logs').column('occurred_at').execute();

  await db.schema.createTable('audit_heads')
    .addColumn('chain', t.string(40), (c) => c.primaryKey())
    .addColumn('seq', t.bigint, (c) => c.notNull())
    .addColumn('hash', t.string(64), (c) => c.notNull())
    .execute();
  await db.insertInto('audit_heads').values({ chain: 'audit_logs', seq: 0, hash: '0'.repeat(64) }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_heads').execute();
  await db.schema.dropTable('audit_logs').execute();
}
