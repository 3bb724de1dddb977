import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../src/backup/archive.js';
import { writeSidecar } from '../../src/backup/checksum.js';
import { readSnapshot } from '../../src/backup/snapshot.js';
import { createDb, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { ROOT } from '../e2e/helpers.js';
import { DIALECTS, freshDatabase } from '../support/databases.js';
import { dumpAll } from './fill.js';
import { tempDir, testKey } from './helpers.js';

const key = testKey();
const dir = tempDir();
const archive = join(dir, 'big.ctbak');
const now = new Date().toISOString();

/** 20k tasks: enough batches that a kill lands in the middle of the load. */
async function bigSource(): Promise<Db> {
  const source = createDb(`sqlite:${join(dir, 'source.db')}`);
  await migrateToLatest(source.db);
  await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 20000)
    insert into tasks (id, title, task_type, status, task_order, created_at, updated_at)
    select printf('00000000-0000-7000-8000-%012d', i), 'Task ' || i, 'implementation', 'pending', 0, ${now}, ${now} from n`.execute(source.db);
  return source;
}

beforeAll(async () => {
  const source = await bigSource();
  writeSidecar(archive, (await writeArchive(readSnapshot(source), archive, key)).sha256);
  await source.close();
});

describe.each(DIALECTS)('a restore killed halfway leaves the target as it was [$name]', { timeout: 120_000 }, (dialect) => {
  let target: { database: Db; url: string; drop(): Promise<void> };
  beforeAll(async () => {
    if (dialect.name === 'sqlite') {
      const url = `sqlite:${join(dir, 'target.db')}`;
      const database = createDb(url);
      await migrateToLatest(database.db);
      target = { database, url, drop: () => database.close() };
    } else target = await freshDatabase(dialect);
    await target.database.db.insertInto('clients' as any).values({ id: '00000000-0000-7000-8000-00000000000c', name: 'Acme', short_code: 'ACME', client_type: 'msp_client', status: 'active', created_at: now, updated_at: now }).execute();
  });
  afterAll(async () => { await target?.drop(); });

  it('SIGKILL mid-load: nothing of the archive committed, the old rows intact', async () => {
    const before = await dumpAll(target.database.db);
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/backup/restore-child.ts', archive, target.url, key.toString('base64')], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    const exit = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.split('progress').length > 3) child.kill('SIGKILL');
    });
    expect(await exit, err).toBe('SIGKILL');
    expect(out).not.toContain('done');
    expect(await dumpAll(target.database.db)).toEqual(before);
  });
});
