import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

/**
 * Configuration sync (`claudetools sync push|pull`): each push stores the whole set of a user's
 * Claude Code configuration files as a new numbered version; pull fetches the newest.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('config_versions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('version', t.int, (c) => c.notNull())
    .addColumn('files', t.json(db), (c) => c.notNull())
    .addColumn('file_count', t.int, (c) => c.notNull())
    .addColumn('content_hash', t.string(64), (c) => c.notNull())
    .addColumn('machine_id', t.id, (c) => c.references('machines.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('config_versions_user_id_version_key', ['user_id', 'version'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('config_versions').execute();
}
