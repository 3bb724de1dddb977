import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import type { Db } from '../db/database.js';
import { writeArchive } from './archive.js';
import { writeSidecar } from './checksum.js';
import { withProgress, type ProgressFn } from './progress.js';
import type { BackupRecord, Manifest } from './records.js';
import { readSnapshot } from './snapshot.js';

export const BACKUP_TYPES = ['manual', 'daily', 'weekly', 'monthly', 'pre_migration'] as const;
export type BackupType = (typeof BACKUP_TYPES)[number];
export const ARCHIVE_EXTENSION = '.ctbak';

export interface BackupOptions {
  type: BackupType;
  dir: string;
  key: Buffer;
  now?: Date;
  onProgress?: ProgressFn;
  batchSize?: number;
}

export interface BackupResult {
  id: string | null;
  path: string;
  sha256: string;
  size: number;
  manifest: Manifest;
}

/** `claudetools-20260301T020000Z-daily.ctbak`: sorts by time, says its type, safe on every filesystem. */
export const archiveName = (at: Date, type: BackupType) => `claudetools-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${type}${ARCHIVE_EXTENSION}`;

/**
 * Takes a backup of `source` into `dir` and records it in backup_logs (in_progress, then success
 * with size, sha256, dialect and schema version, or failed with the error). The archive is written
 * under a `.partial` name and renamed when complete, so a killed run never leaves a file that looks whole.
 * The in_progress row is written before the snapshot starts, so the archive holds it as in progress.
 */
export async function createBackup(source: Db, opts: BackupOptions): Promise<BackupResult> {
  const now = opts.now ?? new Date();
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const path = resolve(join(opts.dir, archiveName(now, opts.type)));
  const partial = `${path}.partial`;
  const log = await startLog(source, path, opts.type, now);
  let manifest: Manifest | undefined;
  try {
    const records = async function* (): AsyncGenerator<BackupRecord> {
      for await (const r of withProgress(readSnapshot(source, { backupType: opts.type, backupLogId: log?.id, batchSize: opts.batchSize }), opts.onProgress)) {
        if (r.kind === 'manifest') manifest = r.manifest;
        yield r;
      }
    };
    const { sha256, size } = await writeArchive(records(), partial, opts.key);
    renameSync(partial, path);
    writeSidecar(path, sha256);
    await log?.finish({ status: 'success', size_bytes: size, sha256, schema_version: manifest!.schema_version });
    return { id: log?.id ?? null, path, sha256, size, manifest: manifest! };
  } catch (e) {
    rmSync(partial, { force: true });
    await log?.finish({ status: 'failed', error: String((e as Error).message).slice(0, 4000) }).catch(() => {});
    throw e;
  }
}

/** The backup_logs row; null on a database older than the table (a pre-migration backup of an old schema). */
async function startLog(source: Db, path: string, type: BackupType, now: Date) {
  const db = source.db as Kysely<any>;
  const id = newId();
  const at = now.toISOString();
  try {
    await db.insertInto('backup_logs').values({
      id, backup_type: type, path, dialect: source.dialect, started_at: at, status: 'in_progress', created_at: at, updated_at: at,
    }).execute();
  } catch {
    return null;
  }
  return {
    id,
    finish: async (values: Record<string, unknown>) => {
      const done = new Date().toISOString();
      await db.updateTable('backup_logs').set({ ...values, completed_at: done, updated_at: done }).where('id', '=', id).execute();
    },
  };
}
