import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createDb, type Db } from '../db/database.js';
import { createBackup } from './backup.js';
import { applyRetention } from './catalog.js';
import { loadBackupKey } from './key.js';
import { scheduledType } from './retention.js';

/** Milliseconds from `now` to the next `hour`:00 local time (tomorrow's if that hour has passed). */
export function msUntilHour(now: Date, hour: number): number {
  const next = new Date(now);
  next.setHours(hour, 0, 0, 0);
  if (next <= now) next.setDate(next.getDate() + 1);
  return next.getTime() - now.getTime();
}

/**
 * One backup a day at CLAUDETOOLS_BACKUP_HOUR (local time) into CLAUDETOOLS_BACKUP_DIR, typed by
 * the calendar (retention.ts: monthly on the 1st, weekly on Sundays, else daily), then retention.
 * The snapshot reads through its own connection: on SQLite the server's single connection would
 * otherwise be held by the read transaction and every request would wait for the backup.
 */
export function startBackupScheduler(config: Config, server: Db, logger: Pick<Logger, 'info' | 'error'>): { stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runScheduledBackup(config, server)
        .then(({ path, size, deleted }) => logger.info({ path, size, deleted }, 'scheduled backup done'))
        .catch((err) => logger.error({ err }, 'scheduled backup failed'))
        .finally(schedule);
    }, msUntilHour(new Date(), config.backupHour));
    timer.unref();
  };
  schedule();
  return { stop: () => { stopped = true; if (timer) clearTimeout(timer); } };
}

/** One scheduled run: the day's backup, then retention over CLAUDETOOLS_BACKUP_DIR. */
export async function runScheduledBackup(config: Config, server: Db, now = new Date()) {
  const own = config.databaseUrl.includes(':memory:') ? null : createDb(config.databaseUrl);
  try {
    const result = await createBackup(own ?? server, { type: scheduledType(now), dir: config.backupDir!, key: loadBackupKey(config, { create: true }), now });
    const deleted = await applyRetention(server.db, config.backupDir!);
    return { ...result, deleted };
  } finally {
    await own?.close();
  }
}
