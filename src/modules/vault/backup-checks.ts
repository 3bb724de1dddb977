import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { registerLoadCheck, registerMasterKeyCheck } from '../../backup/master-key-check.js';
import type { Config } from '../../config.js';
import { systemClock } from '../../core/clock.js';
import { loadKeys } from '../../runtime.js';
import { deriveMasterKey } from '../../vault/master-key.js';
import { createKeyring } from './keyring.js';

let unregisterLoadCheck: (() => void) | null = null;

/**
 * Ties backups to the vault's master key: a backup records the key's check value, a restore whose
 * process holds another key is refused before anything changes, and a load only commits once the
 * restored vault opens with this process's key. A home with no master key yet (no vault used here)
 * registers nothing and creates no key: there is nothing to protect or check.
 */
export function registerVaultBackupChecks(config: Config): void {
  unregisterLoadCheck?.();
  unregisterLoadCheck = null;
  const present = Boolean(config.masterKey) || existsSync(join(config.home, 'keys', 'master.key'));
  if (!present) { registerMasterKeyCheck(null); return; }
  const master = deriveMasterKey(loadKeys(config).master);
  registerMasterKeyCheck(() => master.keyCheck);
  unregisterLoadCheck = registerLoadCheck((trx) => createKeyring({ db: trx, master, clock: systemClock }).unlock());
}
