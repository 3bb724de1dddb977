import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('billable_time')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('client_id', t.id, (c) => c.notNull().references('clients.id').onDelete('restrict'))
    .addColumn('project_id', t.id, (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('session_id', t.id, (c) => c.references('sessions.id').onDelete('set null'))
    .addColumn('work_item_id', t.id, (c) => c.references('work_items.id').onDelete('set null'))
    .addColumn('user_id', t.id, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('start_time', t.timestamp, (c) => c.notNull())
    .addColumn('end_time', t.timestamp, (c) => c.notNull())
    .addColumn('duration_minutes', t.int, (c) => c.notNull())
    .addColumn('hourly_rate', t.decimal)
    .addColumn('amount', t.decimal, (c) => c.notNull())
    .addColumn('is_billable', t.bool, (c) => c.notNull().defaultTo(1))
    .addColumn('category', t.string(60))
    .addColumn('description', t.text(db))
    .addColumn('invoiced_at', t.timestamp)
    .addColumn('invoice_ref', t.string(100))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('billable_time_client_id_idx').on('billable_time').column('client_id').execute();
  await db.schema.createIndex('billable_time_project_id_idx').on('billable_time').column('project_id').execute();
  await db.schema.createIndex('billable_time_session_id_idx').on('billable_time').column('session_id').execute();
  await db.schema.createIndex('billable_time_work_item_id_idx').on('billable_time').column('work_item_id').execute();
  await db.schema.createIndex('billable_time_user_id_idx').on('billable_time').column('user_id').execute();
  await db.schema.createIndex('billable_time_is_billable_idx').on('billable_time').column('is_billable').execute();
  await db.schema.createIndex('billable_time_category_idx').on('billable_time').column('category').execute();
  await db.schema.createIndex('billable_time_invoice_ref_idx').on('billable_time').column('invoice_ref').execute();
  await db.schema.createIndex('billable_time_start_time_idx').on('billable_time').column('start_time').execute();
  await db.schema.createIndex('billable_time_end_time_idx').on('billable_time').column('end_time').execute();
  await db.schema.createIndex('billable_time_amount_idx').on('billable_time').column('amount').execute();
  await db.schema.createIndex('billable_time_created_at_idx').on('billable_time').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('billable_time').execute();
}
