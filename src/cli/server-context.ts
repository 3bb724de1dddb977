import { loadConfig, type Config } from '../config.js';
import { buildServices, type Services } from '../app.js';
import { appSettings, loadKeys, masterKeyCheck, openDatabase } from '../runtime.js';
import type { Db } from '../db/database.js';

/**
 * Commands that administer the server's own database (users, migrations, audit) open it directly,
 * with the same config and keys the server uses, and close it when done. Like the server, they refuse a master
 * key the vault does not recognize before migrating or touching anything.
 */
export async function withServerServices<T>(fn: (s: Services, config: Config, database: Db) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const keys = loadKeys(config);
  const database = await openDatabase(config, opts.migrate ?? config.migrateOnStart, masterKeyCheck(keys.master));
  try {
    return await fn(buildServices({ database, keys, settings: appSettings(config) }), config, database);
  } finally {
    await database.close();
  }
}
