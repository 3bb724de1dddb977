import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('backup_logs')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('backup_type', t.string(23), (c) => c.notNull())
    .addColumn('path', t.string(1000), (c) => c.notNull())
    .addColumn('size_bytes', t.double)
    .addColumn('sha256', t.string(64))
    .addColumn('dialect', t.string(18))
    .addColumn('schema_version', t.string(100))
    .addColumn('started_at', t.timestamp, (c) => c.notNull())
    .addColumn('completed_at', t.timestamp)
    .addColumn('status', t.string(21), (c) => c.notNull())
    .addColumn('verified_at', t.timestamp)
    .addColumn('error', t.text(db))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('backup_logs_backup_type_idx').on('backup_logs').column('backup_type').execute();
  await db.schema.createIndex('backup_logs_status_idx').on('backup_logs').column('status').execute();
  await db.schema.createIndex('backup_logs_dialect_idx').on('backup_logs').column('dialect').execute();
  await db.schema.createIndex('backup_logs_started_at_idx').on('backup_logs').column('started_at').execute();
  await db.schema.createIndex('backup_logs_completed_at_idx').on('backup_logs').column('completed_at').execute();
  await db.schema.createIndex('backup_logs_created_at_idx').on('backup_logs').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('backup_logs').execute();
}
