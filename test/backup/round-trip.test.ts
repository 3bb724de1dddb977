import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readArchive, writeArchive } from '../../src/backup/archive.js';
import { loadRecords } from '../../src/backup/load.js';
import { readSnapshot } from '../../src/backup/snapshot.js';
import type { Db } from '../../src/db/database.js';
import { systemContext } from '../../src/core/context.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';
import { dumpAll, emptyTables, fillEveryTable, MARKER, servicesOver } from './fill.js';
import { CHAIN, emptySqlite, migratedTarget, tempDir, testKey } from './helpers.js';

/**
 * SQLite -> MariaDB -> PostgreSQL -> SQLite through archives (only the dialects configured): every
 * table filled, identical rows at each hop, full-text recall and the audit chain working at the end.
 */
let t: TestApp;
let projectId: string;
const dir = tempDir();
const key = testKey();
const drops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  t = await createTestApp(DIALECTS[0]);
  ({ projectId } = await fillEveryTable(t));
});
afterAll(async () => {
  for (const d of drops) await d();
  await t?.close();
});

it(`round-trips every table through ${['sqlite', ...CHAIN.map((d) => d.name)].join(' -> ')} with identical rows`, async () => {
  expect(await emptyTables(t.db)).toEqual([]);
  const original = await dumpAll(t.db);
  let source: Db = { db: t.db, dialect: 'sqlite', close: async () => {} };
  for (const [i, hop] of CHAIN.entries()) {
    const file = join(dir, `hop-${i}.ctbak`);
    await writeArchive(readSnapshot(source, { batchSize: 7 }), file, key);
    // The last hop lands in a database with no schema at all, which the restore migrates first.
    const target = i === CHAIN.length - 1 ? emptySqlite(dir) : await migratedTarget(hop.name);
    drops.push(target.drop);
    const result = await loadRecords(target.database, await readArchive(file, key));
    expect(result.manifest.dialect).toBe(source.dialect);
    expect(await dumpAll(target.database.db), `rows after the hop into ${hop.name}`).toEqual(original);
    source = target.database;
  }
  const services = servicesOver(t, source);
  const recall = await services.memory.recall(systemContext('test'), { query: MARKER, project_id: projectId, token_budget: 500 });
  expect(JSON.stringify(recall)).toContain(MARKER);
  expect(await services.audit.verify()).toMatchObject({ ok: true, first_problem: null });
});
