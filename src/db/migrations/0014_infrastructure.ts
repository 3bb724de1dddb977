import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('infrastructure')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('client_id', t.id, (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('site_id', t.id, (c) => c.references('sites.id').onDelete('set null'))
    .addColumn('parent_host_id', t.id, (c) => c.references('infrastructure.id').onDelete('set null'))
    .addColumn('asset_type', t.string(25), (c) => c.notNull())
    .addColumn('hostname', t.string(255), (c) => c.notNull())
    .addColumn('ip_address', t.string(45))
    .addColumn('mac_address', t.string(17))
    .addColumn('os', t.string(100))
    .addColumn('os_version', t.string(100))
    .addColumn('role', t.string(200))
    .addColumn('status', t.string(31), (c) => c.notNull())
    .addColumn('manufacturer', t.string(100))
    .addColumn('model', t.string(100))
    .addColumn('serial_number', t.string(100))
    .addColumn('purchase_date', t.string(10))
    .addColumn('warranty_expires', t.string(10))
    .addColumn('shell_type', t.string(50))
    .addColumn('package_manager', t.string(50))
    .addColumn('has_gui', t.bool, (c) => c.notNull().defaultTo(0))
    .addColumn('limitations', t.json(db))
    .addColumn('environmental_notes', t.text(db))
    .addColumn('notes', t.text(db))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('infrastructure_client_id_idx').on('infrastructure').column('client_id').execute();
  await db.schema.createIndex('infrastructure_site_id_idx').on('infrastructure').column('site_id').execute();
  await db.schema.createIndex('infrastructure_parent_host_id_idx').on('infrastructure').column('parent_host_id').execute();
  await db.schema.createIndex('infrastructure_asset_type_idx').on('infrastructure').column('asset_type').execute();
  await db.schema.createIndex('infrastructure_status_idx').on('infrastructure').column('status').execute();
  await db.schema.createIndex('infrastructure_ip_address_idx').on('infrastructure').column('ip_address').execute();
  await db.schema.createIndex('infrastructure_hostname_idx').on('infrastructure').column('hostname').execute();
  await db.schema.createIndex('infrastructure_warranty_expires_idx').on('infrastructure').column('warranty_expires').execute();
  await db.schema.createIndex('infrastructure_created_at_idx').on('infrastructure').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('infrastructure').execute();
}
