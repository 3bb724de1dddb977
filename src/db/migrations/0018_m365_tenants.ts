import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('m365_tenants')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('client_id', t.id, (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('tenant_guid', t.string(36), (c) => c.notNull())
    .addColumn('tenant_name', t.string(200), (c) => c.notNull())
    .addColumn('default_domain', t.string(255))
    .addColumn('admin_email', t.string(254))
    .addColumn('license_summary', t.json(db))
    .addColumn('notes', t.text(db))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('m365_tenants_tenant_guid_key', ['tenant_guid'])
    .execute();
  await db.schema.createIndex('m365_tenants_client_id_idx').on('m365_tenants').column('client_id').execute();
  await db.schema.createIndex('m365_tenants_tenant_name_idx').on('m365_tenants').column('tenant_name').execute();
  await db.schema.createIndex('m365_tenants_created_at_idx').on('m365_tenants').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('m365_tenants').execute();
}
