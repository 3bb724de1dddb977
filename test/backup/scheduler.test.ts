import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { listBackups } from '../../src/backup/catalog.js';
import { runScheduledBackup } from '../../src/backup/scheduler.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/runtime.js';
import { tempDir } from './helpers.js';

it('the scheduled run types each day\'s backup by the calendar and applies retention after it', async () => {
  const home = tempDir();
  const config = loadConfig({ CLAUDETOOLS_HOME: home, CLAUDETOOLS_BACKUP_DIR: join(home, 'nightly'), CLAUDETOOLS_BACKUP_HOUR: '3' });
  expect(config.backupHour).toBe(3);
  const database = await openDatabase(config);
  const runs = [];
  // Monday 23 November to Wednesday 2 December 2026: eight daily, a Sunday, a first of the month.
  for (let d = 23; d <= 32; d++) runs.push(await runScheduledBackup(config, database, new Date(2026, 10, d, 3)));
  expect(runs.map((r) => r.manifest.backup_type).join(' ')).toBe('daily daily daily daily daily daily weekly daily monthly daily');
  // The eighth daily pushes the first one out; everything else is kept.
  expect(runs.map((r) => r.deleted.length)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  expect(runs[9].deleted).toEqual([runs[0].path]);
  expect(existsSync(runs[0].path)).toBe(false);
  expect(existsSync(`${runs[0].path}.sha256`)).toBe(false);
  const kept = (await listBackups(database.db)).map((r) => r.path).sort();
  expect(kept).toEqual(runs.slice(1).map((r) => r.path).sort());
  await database.close();
});
