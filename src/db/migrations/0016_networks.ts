import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('networks')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('client_id', t.id, (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('site_id', t.id, (c) => c.references('sites.id').onDelete('set null'))
    .addColumn('name', t.string(200), (c) => c.notNull())
    .addColumn('network_type', t.string(18), (c) => c.notNull())
    .addColumn('cidr', t.string(49), (c) => c.notNull())
    .addColumn('vlan_id', t.int)
    .addColumn('gateway_ip', t.string(45))
    .addColumn('dhcp_range', t.string(100))
    .addColumn('dns_servers', t.json(db))
    .addColumn('notes', t.text(db))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('networks_client_id_idx').on('networks').column('client_id').execute();
  await db.schema.createIndex('networks_site_id_idx').on('networks').column('site_id').execute();
  await db.schema.createIndex('networks_network_type_idx').on('networks').column('network_type').execute();
  await db.schema.createIndex('networks_vlan_id_idx').on('networks').column('vlan_id').execute();
  await db.schema.createIndex('networks_name_idx').on('networks').column('name').execute();
  await db.schema.createIndex('networks_created_at_idx').on('networks').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('networks').execute();
}
