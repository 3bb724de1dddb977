import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

/**
 * The vault's keyring. vault_master holds the master key's key-check value (never the key);
 * vault_data_keys the per-client data keys, wrapped by the master key and versioned;
 * vault_rotations the state of a data-key rotation, so a crashed one resumes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('vault_master')
    .addColumn('id', t.string(20), (c) => c.primaryKey())
    .addColumn('key_check', t.string(64), (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('rotated_at', t.timestamp)
    .execute();

  await db.schema.createTable('vault_data_keys')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('scope', t.string(36), (c) => c.notNull())
    .addColumn('version', t.int, (c) => c.notNull())
    .addColumn('wrapped', t.text(db), (c) => c.notNull())
    .addColumn('status', t.string(10), (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('retired_at', t.timestamp)
    .addUniqueConstraint('vault_data_keys_scope_version_key', ['scope', 'version'])
    .execute();
  await db.schema.createIndex('vault_data_keys_status_idx').on('vault_data_keys').column('status').execute();

  await db.schema.createTable('vault_rotations')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('status', t.string(10), (c) => c.notNull())
    .addColumn('total', t.int, (c) => c.notNull())
    .addColumn('done', t.int, (c) => c.notNull())
    .addColumn('started_at', t.timestamp, (c) => c.notNull())
    .addColumn('finished_at', t.timestamp)
    .execute();
  await db.schema.createIndex('vault_rotations_status_idx').on('vault_rotations').column('status').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('vault_rotations').execute();
  await db.schema.dropTable('vault_data_keys').execute();
  await db.schema.dropTable('vault_master').execute();
}
