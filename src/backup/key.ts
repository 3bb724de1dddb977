import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { loadOrCreateKey } from '../core/keyfile.js';

export const backupKeyFile = (home: string) => join(home, 'keys', 'backup.key');

/**
 * The backup key: CLAUDETOOLS_BACKUP_KEY, else `<home>/keys/backup.key` (0600). Never stored in the
 * database or an archive, so a stolen archive alone reveals nothing. Making a backup creates the
 * file on first use; reading one never does (a fresh random key could only fail, less clearly).
 */
export function loadBackupKey(config: Pick<Config, 'home' | 'backupKey'>, { create }: { create: boolean }): Buffer {
  if (!config.backupKey && !create && !existsSync(backupKeyFile(config.home))) {
    throw new Error(`no backup key: set CLAUDETOOLS_BACKUP_KEY or copy the backup.key the archive was made with to ${backupKeyFile(config.home)}`);
  }
  return loadOrCreateKey(config.home, 'backup', config.backupKey);
}
