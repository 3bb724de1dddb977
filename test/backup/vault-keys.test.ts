import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServices } from '../../src/app.js';
import { createBackup } from '../../src/backup/backup.js';
import { registerMasterKeyCheck } from '../../src/backup/master-key-check.js';
import { restoreBackup } from '../../src/backup/restore.js';
import type { Config } from '../../src/config.js';
import { systemContext } from '../../src/core/context.js';
import { createDb } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { registerVaultBackupChecks } from '../../src/modules/vault/backup-checks.js';
import { emptySqlite, tempDir, testKey } from './helpers.js';

/**
 * The vault's real master keys, not stand-ins: a backup made under key A restores only where key A is
 * (checked before anything changes), and what it restores still reveals.
 */
const homeWith = (masterKey: string) => ({ home: tempDir(), masterKey } as Config);
const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

describe('backups and the vault master key', () => {
  afterAll(() => registerMasterKeyCheck(null));

  it('refuses a restore under another master key, and restores one that reveals under the same', async () => {
    const dir = tempDir();
    const source = createDb(`sqlite:${dir}/source.db`);
    await migrateToLatest(source.db);
    const services = buildServices({ database: source, keys: { jwt: randomBytes(32), audit: randomBytes(32), master: Buffer.from(keyA, 'base64') }, settings: { auth: {} } as any });
    await services.vault.keyring.unlock();
    const credential = await services.vault.credentials.create(systemContext(), { service_name: 'Core switch', credential_type: 'password', username: 'admin', password: 'Planted-Secret-77' });

    registerVaultBackupChecks(homeWith(keyA));
    const backupKey = testKey();
    const { path } = await createBackup(source, { type: 'manual', dir, key: backupKey });

    registerVaultBackupChecks(homeWith(keyB));
    const refused = emptySqlite(dir);
    await expect(restoreBackup(path, refused.database, backupKey)).rejects.toThrow(/wrong master key/);
    expect((await refused.database.db.introspection.getTables()).length).toBe(0);
    await refused.drop();

    registerVaultBackupChecks(homeWith(keyA));
    const target = emptySqlite(dir);
    await restoreBackup(path, target.database, backupKey);
    const restored = buildServices({ database: target.database, keys: { jwt: randomBytes(32), audit: randomBytes(32), master: Buffer.from(keyA, 'base64') }, settings: { auth: {} } as any });
    await restored.vault.keyring.unlock();
    const revealed = await restored.vault.credentials.reveal(systemContext(), String(credential.id));
    expect(revealed.secrets).toMatchObject({ password: 'Planted-Secret-77' });
    await target.drop();
    await source.close();
  });
});
