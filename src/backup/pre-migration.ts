import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { migrationStatus, schemaVersion } from '../db/migrator.js';
import { createBackup, type BackupResult } from './backup.js';
import { loadBackupKey } from './key.js';
import { holdsData } from './target-state.js';

export const defaultBackupDir = (config: Pick<Config, 'home' | 'backupDir'>) => config.backupDir ?? join(config.home, 'backups');

/**
 * Before the server applies pending migrations to a database holding data, a pre_migration backup
 * (kept forever by retention): a migration that goes wrong can then be undone by a restore.
 * A new or empty database, or one already up to date, is left alone.
 */
export async function backupBeforeMigrating(database: Db, config: Config): Promise<BackupResult | null> {
  if ((await schemaVersion(database.db)) === null) return null;
  const pending = (await migrationStatus(database.db)).some((m) => m.applied_at === null);
  if (!pending || !(await holdsData(database.db))) return null;
  return createBackup(database, { type: 'pre_migration', dir: defaultBackupDir(config), key: loadBackupKey(config, { create: true }) });
}
