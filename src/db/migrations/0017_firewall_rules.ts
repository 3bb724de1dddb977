import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('firewall_rules')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('infrastructure_id', t.id, (c) => c.notNull().references('infrastructure.id').onDelete('cascade'))
    .addColumn('rule_name', t.string(200), (c) => c.notNull())
    .addColumn('action', t.string(17), (c) => c.notNull())
    .addColumn('direction', t.string(18), (c) => c.notNull())
    .addColumn('source_cidr', t.string(49))
    .addColumn('destination_cidr', t.string(49))
    .addColumn('ports', t.string(200))
    .addColumn('protocol', t.string(14), (c) => c.notNull())
    .addColumn('rule_order', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('enabled', t.bool, (c) => c.notNull().defaultTo(1))
    .addColumn('notes', t.string(1000))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('firewall_rules_infrastructure_id_idx').on('firewall_rules').column('infrastructure_id').execute();
  await db.schema.createIndex('firewall_rules_action_idx').on('firewall_rules').column('action').execute();
  await db.schema.createIndex('firewall_rules_direction_idx').on('firewall_rules').column('direction').execute();
  await db.schema.createIndex('firewall_rules_protocol_idx').on('firewall_rules').column('protocol').execute();
  await db.schema.createIndex('firewall_rules_enabled_idx').on('firewall_rules').column('enabled').execute();
  await db.schema.createIndex('firewall_rules_rule_order_idx').on('firewall_rules').column('rule_order').execute();
  await db.schema.createIndex('firewall_rules_rule_name_idx').on('firewall_rules').column('rule_name').execute();
  await db.schema.createIndex('firewall_rules_created_at_idx').on('firewall_rules').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('firewall_rules').execute();
}
