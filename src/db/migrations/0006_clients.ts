import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('clients')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.string(200), (c) => c.notNull())
    .addColumn('short_code', t.string(20), (c) => c.notNull())
    .addColumn('client_type', t.string(20), (c) => c.notNull())
    .addColumn('status', t.string(18), (c) => c.notNull())
    .addColumn('primary_contact', t.string(200))
    .addColumn('email', t.string(254))
    .addColumn('phone', t.string(50))
    .addColumn('address', t.string(500))
    .addColumn('website', t.text(db))
    .addColumn('default_hourly_rate', t.decimal)
    .addColumn('notes', t.text(db))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('clients_name_key', ['name'])
    .addUniqueConstraint('clients_short_code_key', ['short_code'])
    .execute();
  await db.schema.createIndex('clients_status_idx').on('clients').column('status').execute();
  await db.schema.createIndex('clients_client_type_idx').on('clients').column('client_type').execute();
  await db.schema.createIndex('clients_created_at_idx').on('clients').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('clients').execute();
}
