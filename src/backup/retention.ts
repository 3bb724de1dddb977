import type { BackupType } from './backup.js';

export interface RetentionPolicy { daily: number; weekly: number; monthly: number }

/** The original system's policy: 7 daily, 4 weekly, 12 monthly; manual and pre-migration kept forever. */
export const DEFAULT_RETENTION: RetentionPolicy = { daily: 7, weekly: 4, monthly: 12 };

export interface BackupEntry { id: string; type: BackupType; created_at: string }

/**
 * Which backups to delete. Pure: the newest `daily` of type daily are kept, likewise weekly and
 * monthly; manual and pre_migration are never deleted; and the newest backup of all is always kept,
 * whatever its type, so retention can never leave nothing to restore.
 */
export function backupsToDelete(entries: BackupEntry[], policy: RetentionPolicy = DEFAULT_RETENTION): BackupEntry[] {
  const newestFirst = [...entries].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
  const keep = new Set<string>(newestFirst.slice(0, 1).map((e) => e.id));
  for (const type of ['daily', 'weekly', 'monthly'] as const) {
    for (const e of newestFirst.filter((x) => x.type === type).slice(0, policy[type])) keep.add(e.id);
  }
  return newestFirst.filter((e) => !keep.has(e.id) && (e.type === 'daily' || e.type === 'weekly' || e.type === 'monthly'));
}

/**
 * The type of the scheduled backup on a given day (local calendar): the first of the month is
 * monthly, a Sunday weekly, any other day daily. One backup a day then feeds all three tiers.
 */
export function scheduledType(day: Date): 'daily' | 'weekly' | 'monthly' {
  if (day.getDate() === 1) return 'monthly';
  if (day.getDay() === 0) return 'weekly';
  return 'daily';
}
