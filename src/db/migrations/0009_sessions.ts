import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('sessions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('machine_id', t.id, (c) => c.references('machines.id').onDelete('set null'))
    .addColumn('client_id', t.id, (c) => c.references('clients.id').onDelete('set null'))
    .addColumn('project_id', t.id, (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('mode', t.string(21), (c) => c.notNull())
    .addColumn('external_session_id', t.string(200))
    .addColumn('title', t.string(300))
    .addColumn('summary', t.text(db))
    .addColumn('cwd', t.string(1000))
    .addColumn('git_branch', t.string(255))
    .addColumn('started_at', t.timestamp)
    .addColumn('ended_at', t.timestamp)
    .addColumn('duration_minutes', t.int)
    .addColumn('status', t.string(19), (c) => c.notNull())
    .addColumn('is_billable', t.bool, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('sessions_external_session_id_key', ['external_session_id'])
    .execute();
  await db.schema.createIndex('sessions_machine_id_idx').on('sessions').column('machine_id').execute();
  await db.schema.createIndex('sessions_client_id_idx').on('sessions').column('client_id').execute();
  await db.schema.createIndex('sessions_project_id_idx').on('sessions').column('project_id').execute();
  await db.schema.createIndex('sessions_mode_idx').on('sessions').column('mode').execute();
  await db.schema.createIndex('sessions_status_idx').on('sessions').column('status').execute();
  await db.schema.createIndex('sessions_is_billable_idx').on('sessions').column('is_billable').execute();
  await db.schema.createIndex('sessions_started_at_idx').on('sessions').column('started_at').execute();
  await db.schema.createIndex('sessions_ended_at_idx').on('sessions').column('ended_at').execute();
  await db.schema.createIndex('sessions_created_at_idx').on('sessions').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sessions').execute();
}
