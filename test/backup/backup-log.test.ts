import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Migrator, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../src/backup/backup.js';
import { applyRetention, listBackups } from '../../src/backup/catalog.js';
import { sha256File } from '../../src/backup/checksum.js';
import { restoreBackup } from '../../src/backup/restore.js';
import { loadConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/database.js';
import { migrations } from '../../src/db/migrations/index.js';
import { latestSchemaVersion, schemaVersion } from '../../src/db/migrator.js';
import { openDatabase } from '../../src/runtime.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';
import { fillEveryTable, MARKER } from './fill.js';
import { emptySqlite, tempDir, testKey } from './helpers.js';

describe.each(DIALECTS)('backups are recorded in backup_logs [$name]', (dialect) => {
  let t: TestApp;
  let source: Db;
  const key = testKey();
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await fillEveryTable(t);
    source = { db: t.db, dialect: dialect.name === 'mariadb' ? 'mysql' : dialect.name, close: async () => {} };
  });
  afterAll(async () => { await t?.close(); });

  it('a successful backup: archive, sidecar and a success row with size, sha256, dialect and schema version', async () => {
    const dir = tempDir();
    const result = await createBackup(source, { type: 'manual', dir, key });
    expect(readdirSync(dir).sort()).toEqual([`${result.path.split('/').pop()}`, `${result.path.split('/').pop()}.sha256`]);
    expect(await sha256File(result.path)).toBe(result.sha256);
    const row = (await listBackups(t.db)).find((r) => r.id === result.id)!;
    expect(row).toMatchObject({
      backup_type: 'manual', path: result.path, status: 'success', sha256: result.sha256, dialect: source.dialect,
      schema_version: latestSchemaVersion(), error: null,
    });
    expect(Number(row.size_bytes)).toBe(result.size);
    expect(row.completed_at! >= row.started_at).toBe(true);
    // Encrypted: no plaintext of the data is in the file.
    expect(readFileSync(result.path).includes(Buffer.from(MARKER))).toBe(false);
    // The archive holds its own log row in progress; restored, it reads as the success it was.
    expect(result.manifest.backup_log_id).toBe(result.id);
    const target = emptySqlite();
    await restoreBackup(result.path, target.database, key);
    const restored = (await listBackups(target.database.db)).find((r) => r.id === result.id)!;
    expect(restored).toMatchObject({ status: 'success', sha256: result.sha256, schema_version: latestSchemaVersion(), completed_at: result.manifest.created_at });
    expect(Number(restored.size_bytes)).toBe(result.size);
    await target.drop();
  });

  it('a failing backup: a failed row with the error and no file left behind', async () => {
    const dir = tempDir();
    const failing = createBackup(source, { type: 'manual', dir, key, batchSize: 5, onProgress: () => { throw new Error('disk full (simulated)'); } });
    await expect(failing).rejects.toThrow('disk full (simulated)');
    expect(readdirSync(dir)).toEqual([]);
    const row = (await listBackups(t.db))[0];
    expect(row).toMatchObject({ status: 'failed', error: 'disk full (simulated)' });
  });

  it('retention deletes the archives, sidecars and rows it drops, in its directory only', async () => {
    const dir = tempDir();
    const made = [];
    for (const [i, type] of (['daily', 'daily', 'daily', 'weekly', 'manual', 'daily'] as const).entries()) {
      made.push(await createBackup(source, { type, dir, key, now: new Date(Date.UTC(2024, 0, 1 + i, 2)) }));
    }
    const deleted = await applyRetention(t.db, dir, { daily: 2, weekly: 0, monthly: 0 });
    expect(deleted.sort()).toEqual([made[0].path, made[1].path, made[3].path].sort());
    for (const m of made) expect(existsSync(m.path)).toBe(!deleted.includes(m.path));
    expect(readdirSync(dir)).toHaveLength(6);
    const ids = new Set((await listBackups(t.db)).map((r) => r.id));
    expect(made.map((m) => ids.has(m.id!))).toEqual([false, false, true, false, true, true]);
  });
});

describe('a pre-migration backup', () => {
  async function oldDatabase(withData: boolean) {
    const home = tempDir();
    const url = `sqlite:${join(home, 'claudetools.db')}`;
    const db = createDb(url);
    await new Migrator({ db: db.db, provider: { getMigrations: async () => migrations } }).migrateTo('0022_context_tables');
    if (withData) {
      const at = new Date().toISOString();
      await (db.db as Kysely<any>).insertInto('clients').values({ id: '00000000-0000-7000-8000-000000000001', name: 'Acme', short_code: 'ACME', client_type: 'msp_client', status: 'active', created_at: at, updated_at: at }).execute();
    }
    await db.close();
    return loadConfig({ CLAUDETOOLS_HOME: home, DATABASE_URL: url, CLAUDETOOLS_BACKUP_KEY: 'k'.repeat(40) });
  }

  it('is taken before the server migrates a database holding data, and restores at the old version', async () => {
    const config = await oldDatabase(true);
    const database = await openDatabase(config);
    expect(await schemaVersion(database.db)).toBe(latestSchemaVersion());
    const [row] = await listBackups(database.db);
    expect(row).toMatchObject({ backup_type: 'pre_migration', status: 'success', schema_version: '0022_context_tables' });
    await database.close();
    const target = emptySqlite();
    const restored = await restoreBackup(row.path, target.database, Buffer.from('k'.repeat(40)));
    expect(restored.tables.clients).toBe(1);
    expect(await schemaVersion(target.database.db)).toBe('0022_context_tables');
    await target.drop();
  });

  it('is not taken for a database with nothing in it', async () => {
    const config = await oldDatabase(false);
    const database = await openDatabase(config);
    expect(await listBackups(database.db)).toEqual([]);
    expect(existsSync(join(config.home, 'backups'))).toBe(false);
    await database.close();
  });
});
