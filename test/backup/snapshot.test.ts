import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/backup/snapshot.js';
import type { BackupRecord } from '../../src/backup/records.js';
import { createDb, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { DIALECTS, freshDatabase } from '../support/databases.js';
import { tempDir } from './helpers.js';

const now = new Date().toISOString();
const client = (n: number) => ({ id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`, name: `C${n}`, short_code: `C${n}`, client_type: 'msp_client', status: 'active', created_at: now, updated_at: now });

/**
 * The snapshot is one read transaction: rows written by another connection while a backup runs
 * are in neither its counts nor its rows (SQLite in WAL mode, MariaDB and PostgreSQL in repeatable read).
 */
describe.each(DIALECTS)('a backup reads one consistent snapshot [$name]', (dialect) => {
  let reader: Db, writer: Db, drop: () => Promise<void>;
  beforeAll(async () => {
    if (dialect.name === 'sqlite') {
      // A file, not :memory:, so a second connection sees the same database.
      const url = `sqlite:${join(tempDir(), 'snap.db')}`;
      reader = createDb(url);
      await migrateToLatest(reader.db);
      writer = createDb(url);
      drop = async () => { await reader.close(); await writer.close(); };
    } else {
      const fresh = await freshDatabase(dialect);
      reader = fresh.database;
      writer = createDb(fresh.url);
      drop = async () => { await writer.close(); await fresh.drop(); };
    }
    await writer.db.insertInto('clients' as any).values([client(1), client(2)]).execute();
  });
  afterAll(async () => { await drop?.(); });

  it('ignores rows committed after it started', async () => {
    const records = readSnapshot(reader, { batchSize: 1 });
    const first = (await records.next()).value as BackupRecord;
    expect(first.kind === 'manifest' && first.manifest.tables.clients).toBe(2);
    await writer.db.insertInto('clients' as any).values(client(3)).execute();
    await writer.db.deleteFrom('clients' as any).where('id', '=', client(1).id).execute();
    const names: unknown[] = [];
    let nameAt = -1; // the name column's position while reading clients, -1 in other tables
    for await (const r of records) {
      if (r.kind === 'table') nameAt = r.table === 'clients' ? r.columns.indexOf('name') : -1;
      if (r.kind === 'rows' && nameAt >= 0) names.push(...r.rows.map((row) => row[nameAt]));
    }
    expect(names.sort()).toEqual(['C1', 'C2']);
  });
});
