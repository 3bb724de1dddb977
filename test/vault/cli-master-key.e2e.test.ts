import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { systemContext } from '../../src/core/context.js';
import { createDb } from '../../src/db/database.js';
import { schemaVersion } from '../../src/db/migrator.js';
import { migrations } from '../../src/db/migrations/index.js';
import { rotateDataKeys } from '../../src/modules/vault/rotation.js';
import { appSettings, loadKeys, openDatabase } from '../../src/runtime.js';
import { cli, tempHome } from '../e2e/helpers.js';
import { credentialBody } from './support.js';

const vaultTables = ['vault_master', 'vault_data_keys', 'vault_rotations', 'credentials', 'credential_versions', 'credential_audit_logs', 'audit_heads'];

it('server-side CLI commands refuse a wrong master key before touching anything, a resumed rotation included', async () => {
  const home = tempHome();
  const config = loadConfig({ CLAUDETOOLS_HOME: home });
  const database = await openDatabase(config);
  const app = await buildApp({ database, keys: loadKeys(config), settings: appSettings(config) });
  const v = app.services.vault;
  await v.credentials.create(systemContext('test'), credentialBody({ client_id: null }));
  // A rotation that crashed after its last batch: resuming it has nothing left to re-encrypt, only to finish.
  await expect(rotateDataKeys({ db: database.db, keyring: v.keyring, credentialAudit: v.credentialAudit, clock: app.services.clock },
    { batchSize: 10, afterBatch: () => { throw new Error('crash'); } })).rejects.toThrow('crash');
  await app.close();
  await database.close();

  // An upgrade pending too (the newest migration rolled back): the wrong key must not migrate either.
  const names = Object.keys(migrations).sort();
  const file = createDb(`sqlite:${join(home, 'claudetools.db')}`);
  expect((await new Migrator({ db: file.db, provider: { getMigrations: async () => migrations } }).migrateTo(names.at(-2)!)).error).toBeUndefined();
  const snapshot = async () => Promise.all(vaultTables.map((tb) => file.db.selectFrom(tb).selectAll().execute()));
  const before = await snapshot();

  const wrong = { CLAUDETOOLS_HOME: home, CLAUDETOOLS_MASTER_KEY: randomBytes(32).toString('base64') };
  for (const args of [['vault', 'rotate'], ['vault', 'status'], ['vault', 'rotate-master'], ['db', 'migrate'], ['audit', 'verify']]) {
    const r = cli(args, wrong);
    expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(1);
    expect(r.stderr).toMatch(/master key does not match this database's vault.*nothing was changed/);
  }
  expect(await snapshot()).toEqual(before);
  expect(await schemaVersion(file.db)).toBe(names.at(-2));
  await file.close();

  // The right key resumes and finishes it.
  const ok = cli(['vault', 'rotate'], { CLAUDETOOLS_HOME: home });
  expect(ok.code, ok.stderr).toBe(0);
  expect(ok.stdout).toContain('Resumed and finished');
}, 120_000);
