import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('api_keys')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('machine_id', t.id, (c) => c.references('machines.id').onDelete('set null'))
    .addColumn('name', t.string(200), (c) => c.notNull())
    .addColumn('prefix', t.string(32), (c) => c.notNull().unique())
    .addColumn('key_hash', t.string(128), (c) => c.notNull())
    .addColumn('scopes', t.json(db))
    .addColumn('last_used_at', t.timestamp)
    .addColumn('expires_at', t.timestamp)
    .addColumn('revoked_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_keys_user_id_idx').on('api_keys').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_keys').execute();
}
