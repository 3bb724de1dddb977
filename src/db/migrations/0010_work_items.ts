import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('work_items')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('session_id', t.id, (c) => c.references('sessions.id').onDelete('set null'))
    .addColumn('client_id', t.id, (c) => c.references('clients.id').onDelete('set null'))
    .addColumn('project_id', t.id, (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('category', t.string(25), (c) => c.notNull())
    .addColumn('title', t.string(300), (c) => c.notNull())
    .addColumn('description', t.text(db))
    .addColumn('status', t.string(21), (c) => c.notNull())
    .addColumn('priority', t.string(18), (c) => c.notNull())
    .addColumn('estimated_minutes', t.int)
    .addColumn('actual_minutes', t.int)
    .addColumn('affected_systems', t.json(db))
    .addColumn('technologies', t.json(db))
    .addColumn('completed_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('work_items_session_id_idx').on('work_items').column('session_id').execute();
  await db.schema.createIndex('work_items_client_id_idx').on('work_items').column('client_id').execute();
  await db.schema.createIndex('work_items_project_id_idx').on('work_items').column('project_id').execute();
  await db.schema.createIndex('work_items_category_idx').on('work_items').column('category').execute();
  await db.schema.createIndex('work_items_status_idx').on('work_items').column('status').execute();
  await db.schema.createIndex('work_items_priority_idx').on('work_items').column('priority').execute();
  await db.schema.createIndex('work_items_completed_at_idx').on('work_items').column('completed_at').execute();
  await db.schema.createIndex('work_items_created_at_idx').on('work_items').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('work_items').execute();
}
