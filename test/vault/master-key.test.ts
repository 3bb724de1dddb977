import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildApp, type AppKeys } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { deriveMasterKey } from '../../src/vault/master-key.js';
import { systemContext } from '../../src/core/context.js';
import { VaultKeyError } from '../../src/modules/vault/keyring.js';
import { loadKeys } from '../../src/runtime.js';
import { createDb } from '../../src/db/database.js';
import { schemaVersion } from '../../src/db/migrator.js';
import { migrations } from '../../src/db/migrations/index.js';
import { DIALECTS, freshDatabase } from '../support/databases.js';
import { startServer, tempHome } from '../e2e/helpers.js';
import { credentialBody, testSettings } from './support.js';

const settings = testSettings;
const vaultTables = ['vault_master', 'vault_data_keys', 'credentials', 'credential_audit_logs', 'audit_heads'];

describe.each(DIALECTS)('master key at startup [$name]', (dialect) => {
  it('refuses a wrong or unknown master key with a clear message and changes nothing; the right key opens everything', async () => {
    const fresh = await freshDatabase(dialect);
    const keys: AppKeys = { jwt: randomBytes(32), audit: randomBytes(32), master: randomBytes(32) };
    const snapshot = async () => Promise.all(vaultTables.map((tb) => fresh.database.db.selectFrom(tb).selectAll().execute()));
    try {
      const first = await buildApp({ database: fresh.database, keys, settings });
      const body = credentialBody();
      const id = (await first.services.vault.credentials.create(systemContext(), body)).id;
      await first.close();
      const before = await snapshot();

      const wrong = buildApp({ database: fresh.database, keys: { ...keys, master: randomBytes(32) }, settings });
      await expect(wrong).rejects.toThrow(VaultKeyError);
      await expect(wrong).rejects.toThrow(/does not match this database's vault.*nothing was changed/);
      expect(await snapshot()).toEqual(before);

      // The key-check value gone but data keys present: an unknown key is refused rather than adopted.
      const check = await fresh.database.db.selectFrom('vault_master').selectAll().executeTakeFirstOrThrow();
      await fresh.database.db.deleteFrom('vault_master').execute();
      await expect(buildApp({ database: fresh.database, keys, settings })).rejects.toThrow(/no master key-check value/);
      await fresh.database.db.insertInto('vault_master').values(check).execute();
      expect(await snapshot()).toEqual(before);

      const again = await buildApp({ database: fresh.database, keys, settings });
      expect((await again.services.vault.credentials.reveal(systemContext(), id)).secrets.password).toBe(body.password);
      await again.close();
    } finally {
      await fresh.drop();
    }
  });
});

describe('master key source', () => {
  it('creates <home>/keys/master.key with mode 0600 on first start, or takes CLAUDETOOLS_MASTER_KEY and writes no file', () => {
    const home = mkdtempSync(join(tmpdir(), 'ct-vault-key-'));
    const keys = loadKeys(loadConfig({ CLAUDETOOLS_HOME: home }));
    const file = join(home, 'keys', 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadKeys(loadConfig({ CLAUDETOOLS_HOME: home })).master.equals(keys.master)).toBe(true);

    const other = mkdtempSync(join(tmpdir(), 'ct-vault-key-'));
    const secret = randomBytes(32);
    const fromEnv = loadKeys(loadConfig({ CLAUDETOOLS_HOME: other, CLAUDETOOLS_MASTER_KEY: secret.toString('base64') }));
    expect(fromEnv.master.equals(secret)).toBe(true);
    expect(existsSync(join(other, 'keys', 'master.key'))).toBe(false);
  });

  it('CLAUDETOOLS_MASTER_KEY takes the key file\'s own form: a copied master.key is the same key; a passphrase is refused', () => {
    const home = mkdtempSync(join(tmpdir(), 'ct-vault-key-'));
    const fromFile = loadKeys(loadConfig({ CLAUDETOOLS_HOME: home })).master;
    const copied = readFileSync(join(home, 'keys', 'master.key'), 'utf8');
    const elsewhere = mkdtempSync(join(tmpdir(), 'ct-vault-key-'));
    const fromEnv = loadKeys(loadConfig({ CLAUDETOOLS_HOME: elsewhere, CLAUDETOOLS_MASTER_KEY: copied })).master;
    expect(fromEnv.equals(fromFile)).toBe(true);
    expect(deriveMasterKey(fromEnv).keyCheck).toBe(deriveMasterKey(fromFile).keyCheck);
    for (const bad of ['correct horse battery staple correct horse', 'x'.repeat(40), randomBytes(16).toString('base64')]) {
      expect(() => loadConfig({ CLAUDETOOLS_HOME: elsewhere, CLAUDETOOLS_MASTER_KEY: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ CLAUDETOOLS_HOME: elsewhere, CLAUDETOOLS_MASTER_KEY: bad })).toThrow(/base64 of at least 32 random bytes/);
    }
  });

  it('the real server refuses to start with the wrong CLAUDETOOLS_MASTER_KEY, before migrating anything', async () => {
    const home = tempHome();
    const rightKey = randomBytes(32).toString('base64');
    const env = { CLAUDETOOLS_HOME: home, CLAUDETOOLS_ADMIN_EMAIL: 'admin@example.test', CLAUDETOOLS_ADMIN_PASSWORD: 'a-long-admin-password' };
    const server = await startServer({ ...env, CLAUDETOOLS_MASTER_KEY: rightKey });
    expect(await server.stop()).toBe(0);
    // An upgrade is pending (the newest migration rolled back): the wrong key must not even migrate.
    const names = Object.keys(migrations).sort();
    const file = createDb(`sqlite:${join(home, 'claudetools.db')}`);
    const down = await new Migrator({ db: file.db, provider: { getMigrations: async () => migrations } }).migrateTo(names.at(-2)!);
    expect(down.error).toBeUndefined();
    await expect(startServer({ ...env, CLAUDETOOLS_MASTER_KEY: randomBytes(32).toString('base64') }))
      .rejects.toThrow(/exited 1: Refusing to start: The master key does not match this database's vault/);
    expect(await schemaVersion(file.db)).toBe(names.at(-2));
    await file.close();
    const ok = await startServer({ ...env, CLAUDETOOLS_MASTER_KEY: rightKey });
    expect(await ok.stop()).toBe(0);
  }, 60_000);
});
