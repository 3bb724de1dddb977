import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { registerVaultBackupChecks } from '../../modules/vault/backup-checks.js';
import { createDb, type Db } from '../../db/database.js';
import { redactUrl } from '../../db/url.js';
import { BACKUP_TYPES, createBackup, type BackupType } from '../../backup/backup.js';
import { listBackups } from '../../backup/catalog.js';
import { loadBackupKey } from '../../backup/key.js';
import { defaultBackupDir } from '../../backup/pre-migration.js';
import { stderrProgress } from '../../backup/progress.js';
import { copyDatabase, restoreBackup, verifyBackup } from '../../backup/restore.js';
import { CliError, printJson, printTable } from '../output.js';

/** Opens a database by URL for the length of `fn`; backup commands work on whatever schema is there. */
async function withDb<T>(url: string, fn: (database: Db) => Promise<T>): Promise<T> {
  const database = createDb(url);
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

const tableSummary = (tables: Record<string, number>) => `${Object.keys(tables).length} tables, ${Object.values(tables).reduce((a, b) => a + b, 0)} rows`;

/** The server's config, with the vault's master-key checks registered for what the command backs up or restores. */
function backupConfig() {
  const config = loadConfig();
  registerVaultBackupChecks(config);
  return config;
}

/** backup [list|verify], restore, migrate-db: run where the server's config (and backup key) is. */
export function backupCommands(program: Command): void {
  const backup = program.command('backup').description('Back up the database to an encrypted archive (create is the default; list, verify)');
  // A default subcommand rather than options on `backup` itself: the program parses options anywhere,
  // so `backup list --json` would otherwise hand --json to `backup`.
  backup.command('create', { isDefault: true }).description('Take a backup now')
    .option('--type <type>', `one of ${BACKUP_TYPES.join(', ')}`, 'manual')
    .option('--out <dir>', 'directory for the archive (default: CLAUDETOOLS_BACKUP_DIR or <home>/backups)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      if (!BACKUP_TYPES.includes(opts.type)) throw new CliError(`--type must be one of ${BACKUP_TYPES.join(', ')}`, 2);
      const config = backupConfig();
      const result = await withDb(config.databaseUrl, (database) => createBackup(database, {
        type: opts.type as BackupType, dir: opts.out ?? defaultBackupDir(config), key: loadBackupKey(config, { create: true }), onProgress: stderrProgress('backup'),
      }));
      if (opts.json) return printJson({ path: result.path, size_bytes: result.size, sha256: result.sha256, manifest: result.manifest });
      process.stdout.write(`${result.path}\n  ${result.size} bytes, sha256 ${result.sha256}\n  ${tableSummary(result.manifest.tables)}, schema ${result.manifest.schema_version}\n`);
    });

  backup.command('list').description('List recorded backups, newest first').option('--json', 'print JSON').action(async (opts) => {
    const config = backupConfig();
    const rows = await withDb(config.databaseUrl, (database) => listBackups(database.db));
    if (opts.json) return printJson(rows);
    printTable(rows, ['started_at', 'backup_type', 'status', 'size_bytes', 'schema_version', 'verified_at', 'path']);
  });

  backup.command('verify <file>').description('Check checksum, key and manifest, and trial-restore into a scratch SQLite').option('--json', 'print JSON')
    .action(async (file, opts) => {
      const config = backupConfig();
      const key = loadBackupKey(config, { create: false });
      const result = await withDb(config.databaseUrl, (database) => verifyBackup(file, key, { onProgress: stderrProgress('verify'), log: database.db }));
      if (opts.json) return printJson({ ok: true, sha256: result.sha256, manifest: result.manifest, restored: result.tables });
      const m = result.manifest;
      process.stdout.write(`OK ${file}\n  made ${m.created_at} from ${m.dialect}, schema ${m.schema_version}, app ${m.app_version}\n  ${tableSummary(result.tables)}: every count matches the manifest\n`);
    });

  program.command('restore <file>').description('Restore an archive into the database (the configured one, or --database-url)')
    .option('--database-url <url>', 'restore into this database instead')
    .option('--replace', 'overwrite a database that already holds data')
    .action(async (file, opts) => {
      const config = backupConfig();
      const key = loadBackupKey(config, { create: false });
      const url = opts.databaseUrl ?? config.databaseUrl;
      const result = await withDb(url, (database) => restoreBackup(file, database, key, { replace: opts.replace, targetLabel: url, onProgress: stderrProgress('restore') }));
      process.stdout.write(`Restored ${tableSummary(result.tables)} into ${redactUrl(url)} (schema ${result.manifest.schema_version})\n`);
    });

  program.command('migrate-db').description('Copy everything from the configured database into another (e.g. SQLite to PostgreSQL)')
    .requiredOption('--to <url>', 'the new database: postgres://... or mysql://...')
    .option('--replace', 'overwrite a target that already holds data')
    .action(async (opts) => {
      const config = backupConfig();
      if (opts.to === config.databaseUrl) throw new CliError('--to is the current database', 2);
      const result = await withDb(config.databaseUrl, (source) => withDb(opts.to, (target) => copyDatabase(source, target, { replace: opts.replace, targetLabel: opts.to, onProgress: stderrProgress('copy') })));
      process.stdout.write(`Copied ${tableSummary(result.tables)}; row counts verified.\nSwitch the server to it with:\n  DATABASE_URL=${opts.to}\n`);
    });
}
