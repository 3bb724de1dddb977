import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('tags')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.string(60), (c) => c.notNull())
    .addColumn('category', t.string(24), (c) => c.notNull())
    .addColumn('description', t.string(500))
    .addColumn('usage_count', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('tags_name_key', ['name'])
    .execute();
  await db.schema.createIndex('tags_category_idx').on('tags').column('category').execute();
  await db.schema.createIndex('tags_usage_count_idx').on('tags').column('usage_count').execute();
  await db.schema.createIndex('tags_created_at_idx').on('tags').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tags').execute();
}
