import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

/**
 * A billable time entry an MSP-mode Claude Code session proposes when it ends; a person confirms it
 * (it becomes a billable_time row) or drops it. One proposal per session. Frozen once shipped.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('time_proposals')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('session_id', t.id, (c) => c.notNull().unique().references('sessions.id').onDelete('cascade'))
    .addColumn('client_id', t.id, (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('project_id', t.id, (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('start_time', t.timestamp, (c) => c.notNull())
    .addColumn('end_time', t.timestamp, (c) => c.notNull())
    .addColumn('duration_minutes', t.int, (c) => c.notNull())
    .addColumn('description', t.text(db))
    .addColumn('status', t.string(20), (c) => c.notNull())
    .addColumn('billable_time_id', t.id, (c) => c.references('billable_time.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('time_proposals_status_idx').on('time_proposals').column('status').execute();
  await db.schema.createIndex('time_proposals_client_id_idx').on('time_proposals').column('client_id').execute();
}
