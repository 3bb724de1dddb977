import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

/** Tag links for sessions, work items, projects and clients: pairs of ids, unique, cascading both ways. */
const JUNCTIONS = [['session_tags', 'session_id', 'sessions'], ['work_item_tags', 'work_item_id', 'work_items'],
  ['project_tags', 'project_id', 'projects'], ['client_tags', 'client_id', 'clients']] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, column, target] of JUNCTIONS) {
    await db.schema.createTable(table)
      .addColumn(column, t.id, (c) => c.notNull().references(`${target}.id`).onDelete('cascade'))
      .addColumn('tag_id', t.id, (c) => c.notNull().references('tags.id').onDelete('cascade'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pkey`, [column, 'tag_id'])
      .execute();
    await db.schema.createIndex(`${table}_tag_id_idx`).on(table).column('tag_id').execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table] of [...JUNCTIONS].reverse()) await db.schema.dropTable(table).execute();
}
