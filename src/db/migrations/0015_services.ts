import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('services')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('infrastructure_id', t.id, (c) => c.notNull().references('infrastructure.id').onDelete('cascade'))
    .addColumn('name', t.string(200), (c) => c.notNull())
    .addColumn('service_type', t.string(20), (c) => c.notNull())
    .addColumn('version', t.string(50))
    .addColumn('port', t.int)
    .addColumn('protocol', t.string(20))
    .addColumn('internal_url', t.text(db))
    .addColumn('external_url', t.text(db))
    .addColumn('status', t.string(18), (c) => c.notNull())
    .addColumn('notes', t.text(db))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('services_infrastructure_id_idx').on('services').column('infrastructure_id').execute();
  await db.schema.createIndex('services_service_type_idx').on('services').column('service_type').execute();
  await db.schema.createIndex('services_status_idx').on('services').column('status').execute();
  await db.schema.createIndex('services_port_idx').on('services').column('port').execute();
  await db.schema.createIndex('services_name_idx').on('services').column('name').execute();
  await db.schema.createIndex('services_created_at_idx').on('services').column('created_at').execute();
  await db.schema.createTable('service_relationships')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('from_service_id', t.id, (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('to_service_id', t.id, (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('relationship_type', t.string(23), (c) => c.notNull())
    .addColumn('notes', t.string(1000))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('service_relationships_link_key', ['from_service_id', 'to_service_id', 'relationship_type'])
    .execute();
  await db.schema.createIndex('service_relationships_to_service_id_idx').on('service_relationships').column('to_service_id').execute();
  await db.schema.createIndex('service_relationships_relationship_type_idx').on('service_relationships').column('relationship_type').execute();
  await db.schema.createIndex('service_relationships_created_at_idx').on('service_relationships').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('service_relationships').execute();
  await db.schema.dropTable('services').execute();
}
