import { describe, expect, it } from 'vitest';
import { backupsToDelete, scheduledType, type BackupEntry } from '../../src/backup/retention.js';
import { msUntilHour } from '../../src/backup/scheduler.js';

const day = (y: number, m: number, d: number) => new Date(y, m - 1, d, 2, 0, 0);
const label = (e: BackupEntry) => `${e.type} ${e.created_at.slice(0, 10)}`;
const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}T02:00:00.000Z`;

describe('retention over two years of daily backups', () => {
  /** The scheduler's calendar from 2025-01-01 to 2026-12-31, retention applied after each backup as the server does; plus manual and pre-migration ones. */
  function simulate(): BackupEntry[] {
    let kept: BackupEntry[] = [];
    for (let d = day(2025, 1, 1), n = 0; d <= day(2026, 12, 31); d = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 2), n++) {
      kept.push({ id: `s${n}`, type: scheduledType(d), created_at: iso(d) });
      if (n % 100 === 50) kept.push({ id: `m${n}`, type: 'manual', created_at: iso(d).replace('T02', 'T09') });
      if (n === 400) kept.push({ id: `p${n}`, type: 'pre_migration', created_at: iso(d).replace('T02', 'T10') });
      const doomed = new Set(backupsToDelete(kept).map((e) => e.id));
      kept = kept.filter((e) => !doomed.has(e.id));
    }
    return kept;
  }

  it('keeps exactly 7 daily, 4 weekly, 12 monthly, and every manual and pre-migration backup', () => {
    const kept = simulate().map(label).sort();
    expect(kept).toEqual([
      'daily 2026-12-24', 'daily 2026-12-25', 'daily 2026-12-26', 'daily 2026-12-28', 'daily 2026-12-29', 'daily 2026-12-30', 'daily 2026-12-31',
      'manual 2025-02-20', 'manual 2025-05-31', 'manual 2025-09-08', 'manual 2025-12-17', 'manual 2026-03-27', 'manual 2026-07-05', 'manual 2026-10-13',
      ...['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => `monthly 2026-${m}-01`),
      'pre_migration 2026-02-05',
      'weekly 2026-12-06', 'weekly 2026-12-13', 'weekly 2026-12-20', 'weekly 2026-12-27',
    ]);
  });

  it('never deletes the newest backup, whatever the policy', () => {
    const entries: BackupEntry[] = [
      { id: 'a', type: 'daily', created_at: '2026-01-01T02:00:00.000Z' },
      { id: 'b', type: 'weekly', created_at: '2026-01-04T02:00:00.000Z' },
      { id: 'c', type: 'daily', created_at: '2026-01-05T02:00:00.000Z' },
    ];
    expect(backupsToDelete(entries, { daily: 0, weekly: 0, monthly: 0 }).map((e) => e.id).sort()).toEqual(['a', 'b']);
    expect(backupsToDelete(entries.slice(0, 1), { daily: 0, weekly: 0, monthly: 0 })).toEqual([]);
  });

  it('types the scheduled backup by the calendar', () => {
    expect(scheduledType(day(2026, 11, 1))).toBe('monthly'); // a Sunday, but the 1st wins
    expect(scheduledType(day(2026, 11, 22))).toBe('weekly');
    expect(scheduledType(day(2026, 11, 23))).toBe('daily');
  });

  it('waits until the configured hour, tomorrow once it has passed', () => {
    expect(msUntilHour(new Date(2026, 0, 1, 1, 30), 2)).toBe(30 * 60_000);
    expect(msUntilHour(new Date(2026, 0, 1, 2, 0), 2)).toBe(24 * 3600_000);
  });
});
