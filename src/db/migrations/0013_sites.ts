import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('sites')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('client_id', t.id, (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('name', t.string(200), (c) => c.notNull())
    .addColumn('address', t.string(500))
    .addColumn('city', t.string(100))
    .addColumn('region', t.string(100))
    .addColumn('postal_code', t.string(20))
    .addColumn('country', t.string(100))
    .addColumn('timezone', t.string(64))
    .addColumn('vpn_required', t.bool, (c) => c.notNull().defaultTo(0))
    .addColumn('vpn_subnet', t.string(49))
    .addColumn('gateway_ip', t.string(45))
    .addColumn('dns_servers', t.json(db))
    .addColumn('notes', t.text(db))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sites_client_id_idx').on('sites').column('client_id').execute();
  await db.schema.createIndex('sites_city_idx').on('sites').column('city').execute();
  await db.schema.createIndex('sites_country_idx').on('sites').column('country').execute();
  await db.schema.createIndex('sites_vpn_required_idx').on('sites').column('vpn_required').execute();
  await db.schema.createIndex('sites_name_idx').on('sites').column('name').execute();
  await db.schema.createIndex('sites_created_at_idx').on('sites').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sites').execute();
}
