import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { AppError } from '../core/errors.js';
import { APP_VERSION } from '../version.js';
import { auditCommands } from './commands/audit.js';
import { backupCommands } from './commands/backup.js';
import { syncCommands } from './commands/sync.js';
import { dbCommands } from './commands/db.js';
import { userCommands } from './commands/user.js';
import { loginCommand } from './commands/login.js';
import { mcpCommand } from './commands/mcp.js';
import { memoryCommands } from './commands/memory.js';
import { workCommands } from './commands/work.js';
import { credCommands } from './commands/cred.js';
import { vaultCommands } from './commands/vault.js';
import { doctorCommand } from './commands/doctor.js';
import { hookCommands } from './commands/hook.js';
import { importCommand } from './commands/import.js';
import { modeCommands } from './commands/mode.js';
import { setupCommands } from './commands/setup.js';
import { timePendingCommand } from './commands/time-pending.js';
import { CliError } from './output.js';

export function buildProgram(): Command {
  const program = new Command('claudetools')
    .description('ClaudeTools: memory and work tracking for people who work with AI coding agents')
    .version(APP_VERSION)
    .exitOverride();
  program.command('serve').alias('start').description('Start the server (same as npm start)')
    .action(async () => { const { serve } = await import('./serve.js'); process.exitCode = await serve(); });
  dbCommands(program);
  userCommands(program);
  auditCommands(program);
  loginCommand(program);
  workCommands(program);
  memoryCommands(program);
  credCommands(program);
  vaultCommands(program);
  mcpCommand(program);
  backupCommands(program);
  syncCommands(program);
  setupCommands(program);
  doctorCommand(program);
  hookCommands(program);
  modeCommands(program);
  timePendingCommand(program);
  importCommand(program);
  return program;
}

/** Runs the CLI: one line on stderr and a non-zero exit for any failure. */
export async function run(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    const message = e instanceof ConfigError ? e.message
      : e instanceof AppError ? (e.errors?.length ? e.errors.map((x) => `${x.path}: ${x.message}`).join('; ') : e.message)
        : (e as Error).message;
    process.stderr.write(`claudetools: ${message}\n`);
    process.exitCode = e instanceof CliError ? e.exitCode : e instanceof ConfigError ? 2 : 1;
  }
}
