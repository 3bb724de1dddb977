import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('tasks')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('parent_task_id', t.id, (c) => c.references('tasks.id').onDelete('cascade'))
    .addColumn('session_id', t.id, (c) => c.references('sessions.id').onDelete('set null'))
    .addColumn('client_id', t.id, (c) => c.references('clients.id').onDelete('set null'))
    .addColumn('project_id', t.id, (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('work_item_id', t.id, (c) => c.references('work_items.id').onDelete('set null'))
    .addColumn('title', t.string(300), (c) => c.notNull())
    .addColumn('description', t.text(db))
    .addColumn('task_type', t.string(24), (c) => c.notNull())
    .addColumn('status', t.string(21), (c) => c.notNull())
    .addColumn('blocking_reason', t.string(1000))
    .addColumn('assigned_agent', t.string(100))
    .addColumn('complexity', t.string(22))
    .addColumn('task_order', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('dependencies', t.json(db))
    .addColumn('started_at', t.timestamp)
    .addColumn('completed_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tasks_parent_task_id_idx').on('tasks').column('parent_task_id').execute();
  await db.schema.createIndex('tasks_session_id_idx').on('tasks').column('session_id').execute();
  await db.schema.createIndex('tasks_client_id_idx').on('tasks').column('client_id').execute();
  await db.schema.createIndex('tasks_project_id_idx').on('tasks').column('project_id').execute();
  await db.schema.createIndex('tasks_work_item_id_idx').on('tasks').column('work_item_id').execute();
  await db.schema.createIndex('tasks_status_idx').on('tasks').column('status').execute();
  await db.schema.createIndex('tasks_task_type_idx').on('tasks').column('task_type').execute();
  await db.schema.createIndex('tasks_assigned_agent_idx').on('tasks').column('assigned_agent').execute();
  await db.schema.createIndex('tasks_task_order_idx').on('tasks').column('task_order').execute();
  await db.schema.createIndex('tasks_completed_at_idx').on('tasks').column('completed_at').execute();
  await db.schema.createIndex('tasks_created_at_idx').on('tasks').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tasks').execute();
}
