import { buildApp } from './app.js';
import { startBackupScheduler } from './backup/scheduler.js';
import { ConfigError, loadConfig } from './config.js';
import { redactUrl } from './db/url.js';
import { createLogger } from './logger.js';
import { ensureInitialAdmin } from './modules/users/bootstrap.js';
import { VaultKeyError } from './modules/vault/keyring.js';
import { appSettings, loadKeys, masterKeyCheck, openDatabase } from './runtime.js';

/** Process entry: config, database, migrations, first admin, listen; closes cleanly on SIGINT/SIGTERM. */
export async function startServer(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const keys = loadKeys(config);
  let database;
  try {
    database = await openDatabase(config, config.migrateOnStart, masterKeyCheck(keys.master));
  } catch (e) {
    if (e instanceof VaultKeyError) {
      process.stderr.write(`Refusing to start: ${e.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`Cannot open the database ${redactUrl(config.databaseUrl)}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  let app;
  try {
    app = await buildApp({ database, keys, settings: appSettings(config), logger });
  } catch (e) {
    if (!(e instanceof VaultKeyError)) throw e;
    process.stderr.write(`Refusing to start: ${e.message}\n`);
    await database.close();
    process.exit(1);
  }

  const admin = await ensureInitialAdmin(app.services.users, { home: config.home, email: config.adminEmail, password: config.adminPassword });
  if (admin?.generatedPassword) {
    process.stdout.write(`\nCreated the first admin. Log in with:\n  email:    ${admin.email}\n  password: ${admin.generatedPassword}\n(also in ${admin.file}, mode 0600; shown only this once)\n\n`);
  } else if (admin) {
    logger.info({ email: admin.email }, 'created the first admin from CLAUDETOOLS_ADMIN_EMAIL');
  }

  const backups = config.backupDir ? startBackupScheduler(config, database, logger) : null;
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    backups?.stop();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));
  // Started by `claudetools serve` (src/cli/serve.ts), which holds an IPC channel to this process: it closes
  // when that process is gone, however it went, and the server goes with it rather than on, orphaned.
  if (process.send) process.on('disconnect', () => void close('parent exited'));

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    process.stderr.write(`Cannot listen on ${config.host}:${config.port}: ${(e as Error).message}\n`);
    await database.close();
    process.exit(1);
  }
  logger.info({ db: database.dialect, url: `http://${config.host}:${config.port}`, docs: '/api/docs' }, 'ClaudeTools is listening');
  // Loaded now rather than by the first recall, which a hook would otherwise give up waiting for.
  app.services.memoryIndex.warm().catch((err: Error) => logger.error({ err }, 'The memory index did not load; the next recall tries again'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void startServer();
}
