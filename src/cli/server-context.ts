import { loadConfig, type Config } from '../config.js';
import { buildServices, type Services } from '../app.js';
import { appSettings, loadKeys, openDatabase } from '../runtime.js';
import type { Db } from '../db/database.js';

/**
 * Commands that administer the server's own database (users, migrations, audit) open it directly,
 * with the same config the server uses, and close it when done.
 */
export async function withServerServices<T>(fn: (s: Services, config: Config, database: Db) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config, opts.migrate ?? config.migrateOnStart);
  try {
    return await fn(buildServices({ database, keys: loadKeys(config), settings: appSettings(config) }), config, database);
  } finally {
    await database.close();
  }
}
