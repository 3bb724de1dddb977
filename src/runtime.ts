import type { Config } from './config.js';
import { loadOrCreateKey } from './core/keyfile.js';
import { createDb, type Db } from './db/database.js';
import { latestSchemaVersion, migrateToLatest, schemaVersion } from './db/migrator.js';
import type { AppDeps, AppKeys } from './app.js';
import { mcpAllowedHosts } from './mcp/origin.js';
import { backupBeforeMigrating } from './backup/pre-migration.js';
import { registerVaultBackupChecks } from './modules/vault/backup-checks.js';
import { checkMasterKeyBeforeMigrating } from './modules/vault/keyring.js';
import { deriveMasterKey } from './vault/master-key.js';

/** The keys kept outside the database, from config or from 0600 files in the data directory. */
export const loadKeys = (config: Config): AppKeys => ({
  jwt: loadOrCreateKey(config.home, 'jwt', config.jwtSecret),
  audit: loadOrCreateKey(config.home, 'audit', config.auditKey),
  master: loadOrCreateKey(config.home, 'master', config.masterKey, 'base64'),
});

/**
 * The check the server, `db migrate` and every server-side CLI command run before migrating: the vault's stored
 * key-check value must recognize this master key (VaultKeyError otherwise), so a wrong key changes nothing.
 */
export const masterKeyCheck = (master: Buffer) => (db: Db['db']) => checkMasterKeyBeforeMigrating(db, deriveMasterKey(master));

/**
 * Opens the configured database and brings its schema up to date (or checks it is, when told not to migrate).
 * `beforeMigrate` may refuse first (the server checks its vault master key there).
 */
export async function openDatabase(config: Config, migrate = config.migrateOnStart, beforeMigrate?: (db: Db['db']) => Promise<void>): Promise<Db> {
  const database = createDb(config.databaseUrl);
  try {
    registerVaultBackupChecks(config);
    await beforeMigrate?.(database.db);
    if (migrate) {
      const backup = await backupBeforeMigrating(database, config);
      if (backup) process.stderr.write(`Backed up the database before migrating it: ${backup.path}\n`);
      await migrateToLatest(database.db);
    } else {
      const version = await schemaVersion(database.db);
      if (version !== latestSchemaVersion()) {
        throw new Error(`the database schema is at ${version ?? 'nothing'}, this version needs ${latestSchemaVersion()}: run claudetools db migrate`);
      }
    }
    return database;
  } catch (e) {
    await database.close().catch(() => {});
    throw e;
  }
}

export const appSettings = (config: Config): AppDeps['settings'] => ({
  accessTokenTtl: config.accessTokenTtl,
  refreshTokenTtl: config.refreshTokenTtl,
  bodyLimit: config.bodyLimit,
  auth: config.auth,
  trustProxy: config.trustProxy,
  vaultRequireReason: config.vaultRequireReason,
  recallIndexMaxItems: config.recallIndexMaxItems,
  mcpAllowedHosts: mcpAllowedHosts(config.host, config.mcpAllowedHosts),
});
