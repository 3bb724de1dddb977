import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('projects')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('client_id', t.id, (c) => c.references('clients.id').onDelete('set null'))
    .addColumn('name', t.string(200), (c) => c.notNull())
    .addColumn('slug', t.string(100), (c) => c.notNull())
    .addColumn('description', t.text(db))
    .addColumn('status', t.string(19), (c) => c.notNull())
    .addColumn('repo_url', t.text(db))
    .addColumn('local_path', t.string(1000))
    .addColumn('tech_stack', t.json(db))
    .addColumn('started_at', t.timestamp)
    .addColumn('due_at', t.timestamp)
    .addColumn('budget_hours', t.double)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('projects_slug_key', ['slug'])
    .execute();
  await db.schema.createIndex('projects_client_id_idx').on('projects').column('client_id').execute();
  await db.schema.createIndex('projects_status_idx').on('projects').column('status').execute();
  await db.schema.createIndex('projects_name_idx').on('projects').column('name').execute();
  await db.schema.createIndex('projects_due_at_idx').on('projects').column('due_at').execute();
  await db.schema.createIndex('projects_created_at_idx').on('projects').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('projects').execute();
}
