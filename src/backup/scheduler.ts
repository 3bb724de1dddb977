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
  const dir = config.backupDir!;
  let timer: NodeJS.Timeout | null = null;
  const runOnce = async () => {
    const now = new Date();
    const own = config.databaseUrl.includes(':memory:') ? null : createDb(config.databaseUrl);
    try {
      const result = await createBackup(own ?? server, { type: scheduledType(now), dir, key: loadBackupKey(config, { create: true }), now });
      const deleted = await applyRetention(server.db, dir);
      logger.info({ path: result.path, size: result.size, deleted }, 'scheduled backup done');
    } catch (e) {
      logger.error({ err: e }, 'scheduled backup failed');
    } finally {
      await own?.close();
    }
  };
  const schedule = () => {
    timer = setTimeout(() => void runOnce().finally(schedule), msUntilHour(new Date(), config.backupHour));
    timer.unref();
  };
  schedule();
  return { stop: () => { if (timer) clearTimeout(timer); } };
}
