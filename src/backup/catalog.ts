import { rmSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Kysely } from 'kysely';
import type { BackupType } from './backup.js';
import { sidecarPath } from './checksum.js';
import { backupsToDelete, DEFAULT_RETENTION, type RetentionPolicy } from './retention.js';

export type BackupLogRow = {
  id: string; backup_type: BackupType; path: string; size_bytes: number | null; sha256: string | null; dialect: string | null;
  schema_version: string | null; started_at: string; completed_at: string | null; status: string; verified_at: string | null; error: string | null;
};

/** Every recorded backup, newest first (`backup list`). */
export async function listBackups(db: Kysely<any>): Promise<BackupLogRow[]> {
  return db.selectFrom('backup_logs').select(['id', 'backup_type', 'path', 'size_bytes', 'sha256', 'dialect', 'schema_version', 'started_at', 'completed_at', 'status', 'verified_at', 'error'])
    .orderBy('started_at', 'desc').orderBy('id', 'desc').execute() as Promise<BackupLogRow[]>;
}

/**
 * Applies the retention policy to the successful backups stored in `dir`: deletes the archives it
 * drops, their sidecars and their backup_logs rows (the log lists backups that exist). Backups
 * elsewhere (a manual --out) are never touched. Returns the deleted paths.
 */
export async function applyRetention(db: Kysely<any>, dir: string, policy: RetentionPolicy = DEFAULT_RETENTION): Promise<string[]> {
  const root = resolve(dir) + sep;
  const rows = (await listBackups(db)).filter((r) => r.status === 'success' && resolve(r.path).startsWith(root));
  const doomed = backupsToDelete(rows.map((r) => ({ id: r.id, type: r.backup_type, created_at: r.started_at })), policy);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const deleted: string[] = [];
  for (const { id } of doomed) {
    const { path } = byId.get(id)!;
    rmSync(path, { force: true });
    rmSync(sidecarPath(path), { force: true });
    await db.deleteFrom('backup_logs').where('id', '=', id).execute();
    deleted.push(path);
  }
  return deleted;
}
