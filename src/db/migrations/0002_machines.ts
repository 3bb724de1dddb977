import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('machines')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('hostname', t.string(255), (c) => c.notNull())
    .addColumn('friendly_name', t.string(200))
    .addColumn('platform', t.string(20))
    .addColumn('os_version', t.string(100))
    .addColumn('username', t.string(100))
    .addColumn('home_dir', t.string(500))
    .addColumn('capabilities', t.json(db))
    .addColumn('claude_code_version', t.string(50))
    .addColumn('last_seen_at', t.timestamp)
    .addColumn('is_active', t.bool, (c) => c.notNull().defaultTo(1))
    .addColumn('notes', t.text(db))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('machines_hostname_username_key', ['hostname', 'username'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('machines').execute();
}
