import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { createDb, type Db } from '../db/database.js';
import { readArchive } from './archive.js';
import { verifyChecksum } from './checksum.js';
import { loadRecords, type LoadOptions, type LoadResult } from './load.js';
import { countRows, readSnapshot } from './snapshot.js';

/**
 * Restores an archive into `target`. In this order, each refusing before anything changes: the
 * sha256 sidecar, the backup key (header check), the manifest, the master key, the schema version;
 * then the load, in one transaction (see load.ts).
 */
export async function restoreBackup(path: string, target: Db, key: Buffer, opts: LoadOptions = {}): Promise<LoadResult & { sha256: string }> {
  const { sha256 } = await verifyChecksum(path);
  const records = await readArchive(path, key);
  return { ...(await loadRecords(target, records, { ...opts, archive: { sha256, size: statSync(path).size } })), sha256 };
}

/**
 * `backup verify`: checksum, key, manifest, and a trial restore into a scratch SQLite file whose row
 * counts must match the manifest's (load.ts compares them). The scratch file is removed afterwards.
 * Marks the archive's backup_logs row verified when `log` is given.
 */
export async function verifyBackup(path: string, key: Buffer, opts: Pick<LoadOptions, 'onProgress'> & { log?: Kysely<any> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ct-verify-'));
  const scratch = createDb(`sqlite:${join(dir, 'scratch.db')}`);
  try {
    const result = await restoreBackup(path, scratch, key, opts);
    if (opts.log) {
      const at = new Date().toISOString();
      await opts.log.updateTable('backup_logs').set({ verified_at: at, updated_at: at }).where('path', '=', resolve(path)).where('status', '=', 'success').execute().catch(() => {});
    }
    return result;
  } finally {
    await scratch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `migrate-db`: streams every table from `source` into `target` (no archive in between), then
 * recounts the target's rows outside the load's transaction against the snapshot's counts.
 */
export async function copyDatabase(source: Db, target: Db, opts: LoadOptions = {}): Promise<LoadResult> {
  const result = await loadRecords(target, readSnapshot(source), opts);
  for (const [table, expected] of Object.entries(result.manifest.tables)) {
    const actual = await countRows(target.db, table);
    if (actual !== expected) throw new Error(`copy check failed: ${table} has ${actual} rows in the target, ${expected} in the source`);
  }
  return result;
}
