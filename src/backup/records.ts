import type { Dialect } from '../db/url.js';

/** What the archive says about itself; the first record of every payload. */
export interface Manifest {
  format: 1;
  app_version: string;
  /** The last applied migration: the restore target must be at this version (or empty). */
  schema_version: string;
  dialect: Dialect;
  created_at: string;
  backup_type?: string;
  /** Row counts per table, taken inside the snapshot, in insert order. */
  tables: Record<string, number>;
  /** The backup_logs row of the backup that made this archive: in the snapshot as in_progress (see load.ts). */
  backup_log_id?: string;
  /** See master-key-check.ts: lets a restore refuse a vault it could not decrypt. */
  master_key_check?: string | null;
}

/**
 * The payload as a sequence of records, the same whether it goes to an archive (as NDJSON lines)
 * or straight into another database (migrate-db): a manifest, then per table its columns, its rows
 * as arrays in column order (in batches), its end with the count written; then done, so a payload
 * cut short is never mistaken for a complete one.
 */
export type BackupRecord =
  | { kind: 'manifest'; manifest: Manifest }
  | { kind: 'table'; table: string; columns: string[] }
  | { kind: 'rows'; rows: unknown[][] }
  | { kind: 'end'; table: string; rows: number }
  | { kind: 'done' };
