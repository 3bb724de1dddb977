import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('users')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('email', t.string(254), (c) => c.notNull().unique())
    .addColumn('name', t.string(200), (c) => c.notNull())
    .addColumn('password_hash', t.string(255), (c) => c.notNull())
    .addColumn('role', t.string(20), (c) => c.notNull())
    .addColumn('is_active', t.bool, (c) => c.notNull().defaultTo(1))
    .addColumn('client_scope', t.json(db))
    .addColumn('failed_logins', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('lockout_count', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', t.timestamp)
    .addColumn('last_login_at', t.timestamp)
    .addColumn('token_version', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('users').execute();
}
