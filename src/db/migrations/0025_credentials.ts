import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

/** Every secret field of a credential, stored as an AES-256-GCM envelope in `<field>_enc`. */
const SECRET_COLUMNS = ['password', 'api_key', 'client_secret', 'token', 'connection_string', 'private_key', 'totp_secret', 'secret_notes'];

/**
 * Credentials (metadata in plain columns, secrets encrypted), their earlier secret versions,
 * per-credential grants, and the credential audit chain (append-only, no foreign key: rows outlive
 * the credential they describe).
 */
export async function up(db: Kysely<any>): Promise<void> {
  let credentials = db.schema.createTable('credentials')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('client_id', t.id, (c) => c.references('clients.id').onDelete('restrict'))
    .addColumn('service_id', t.id, (c) => c.references('services.id').onDelete('set null'))
    .addColumn('infrastructure_id', t.id, (c) => c.references('infrastructure.id').onDelete('set null'))
    .addColumn('credential_type', t.string(30), (c) => c.notNull())
    .addColumn('service_name', t.string(200), (c) => c.notNull())
    .addColumn('username', t.string(255))
    .addColumn('oauth_client_id', t.string(255))
    .addColumn('url', t.string(2000))
    .addColumn('port', t.int)
    .addColumn('requires_vpn', t.bool, (c) => c.notNull().defaultTo(0))
    .addColumn('requires_2fa', t.bool, (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', t.timestamp)
    .addColumn('last_rotated_at', t.timestamp)
    .addColumn('is_active', t.bool, (c) => c.notNull().defaultTo(1))
    .addColumn('restricted', t.bool, (c) => c.notNull().defaultTo(0))
    .addColumn('notes', t.text(db))
    .addColumn('kid', t.id, (c) => c.notNull())
    .addColumn('secret_version', t.int, (c) => c.notNull());
  for (const col of SECRET_COLUMNS) credentials = credentials.addColumn(`${col}_enc`, t.text(db));
  await credentials
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  for (const col of ['client_id', 'service_id', 'infrastructure_id', 'credential_type', 'service_name', 'username', 'expires_at', 'kid', 'created_at']) {
    await db.schema.createIndex(`credentials_${col}_idx`).on('credentials').column(col).execute();
  }

  let versions = db.schema.createTable('credential_versions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('credential_id', t.id, (c) => c.notNull().references('credentials.id').onDelete('cascade'))
    .addColumn('version', t.int, (c) => c.notNull())
    .addColumn('kid', t.id, (c) => c.notNull());
  for (const col of SECRET_COLUMNS) versions = versions.addColumn(`${col}_enc`, t.text(db));
  await versions
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('replaced_at', t.timestamp, (c) => c.notNull())
    .addColumn('replaced_by', t.string(36))
    .addUniqueConstraint('credential_versions_credential_id_version_key', ['credential_id', 'version'])
    .execute();
  await db.schema.createIndex('credential_versions_kid_idx').on('credential_versions').column('kid').execute();

  await db.schema.createTable('credential_permissions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('credential_id', t.id, (c) => c.notNull().references('credentials.id').onDelete('cascade'))
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('level', t.string(10), (c) => c.notNull())
    .addColumn('granted_by', t.string(36))
    .addColumn('granted_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp)
    .addUniqueConstraint('credential_permissions_credential_id_user_id_key', ['credential_id', 'user_id'])
    .execute();
  await db.schema.createIndex('credential_permissions_user_id_idx').on('credential_permissions').column('user_id').execute();

  await db.schema.createTable('credential_audit_logs')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('seq', t.bigint, (c) => c.notNull().unique())
    .addColumn('credential_id', t.string(36))
    .addColumn('action', t.string(20), (c) => c.notNull())
    .addColumn('actor_type', t.string(20), (c) => c.notNull())
    .addColumn('actor_id', t.string(36))
    .addColumn('user_id', t.string(36))
    .addColumn('machine_id', t.string(36))
    .addColumn('ip_address', t.string(64))
    .addColumn('user_agent', t.string(255))
    .addColumn('reason', t.string(500))
    .addColumn('details', t.json(db))
    .addColumn('occurred_at', t.timestamp, (c) => c.notNull())
    .addColumn('prev_hash', t.string(64), (c) => c.notNull())
    .addColumn('hash', t.string(64), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credential_audit_logs_credential_id_idx').on('credential_audit_logs').column('credential_id').execute();
  await db.schema.createIndex('credential_audit_logs_occurred_at_idx').on('credential_audit_logs').column('occurred_at').execute();
  await db.insertInto('audit_heads').values({ chain: 'credential_audit_logs', seq: 0, hash: '0'.repeat(64) }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('audit_heads').where('chain', '=', 'credential_audit_logs').execute();
  await db.schema.dropTable('credential_audit_logs').execute();
  await db.schema.dropTable('credential_permissions').execute();
  await db.schema.dropTable('credential_versions').execute();
  await db.schema.dropTable('credentials').execute();
}
