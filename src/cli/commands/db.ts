import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createDb } from '../../db/database.js';
import { migrateToLatest, migrationStatus } from '../../db/migrator.js';
import { redactUrl } from '../../db/url.js';
import { loadKeys, masterKeyCheck } from '../../runtime.js';
import { printJson, printTable } from '../output.js';

export function dbCommands(program: Command): void {
  const db = program.command('db').description('Database schema: migrate and status');
  db.command('migrate').description('Apply every pending migration').action(async () => {
    const config = loadConfig();
    const database = createDb(config.databaseUrl);
    try {
      await masterKeyCheck(loadKeys(config).master)(database.db); // a wrong master key changes nothing, not even the schema
      const applied = await migrateToLatest(database.db);
      process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'Already up to date\n');
    } finally {
      await database.close();
    }
  });
  db.command('status').description('List migrations and whether each is applied').option('--json', 'print JSON').action(async (opts) => {
    const config = loadConfig();
    const database = createDb(config.databaseUrl);
    try {
      const status = await migrationStatus(database.db);
      if (opts.json) return printJson({ database: redactUrl(config.databaseUrl), dialect: database.dialect, migrations: status });
      process.stdout.write(`${database.dialect} ${redactUrl(config.databaseUrl)}\n`);
      printTable(status.map((m) => ({ ...m, applied_at: m.applied_at ?? 'pending' })), ['name', 'applied_at']);
    } finally {
      await database.close();
    }
  });
}
