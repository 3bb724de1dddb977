import type { Command } from 'commander';
import { claudeDir } from '../../config-sync/local-files.js';
import { pullConfig, pushConfig } from '../../config-sync/sync.js';
import { installStarterAgents } from '../../config-sync/starter-agents.js';
import { apiClient } from '../api-client.js';
import { CliError, printJson } from '../output.js';

/** sync push|pull: this machine's Claude Code configuration (CLAUDE.md, agents/, commands/, skills/) through the server. */
export function syncCommands(program: Command): void {
  const sync = program.command('sync').description('Sync ~/.claude (CLAUDE.md, agents/, commands/, skills/) across machines through the server');
  sync.command('push').description('Upload this machine\'s configuration as a new version')
    .option('--dir <dir>', 'the Claude Code directory (default: CLAUDE_CONFIG_DIR or ~/.claude)')
    .option('--force', 'push even if another machine pushed since (this machine\'s files win)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const result = await pushConfig(apiClient(), opts.dir ?? claudeDir(), { force: opts.force });
      if (opts.json) return printJson(result ?? { unchanged: true });
      process.stdout.write(result ? `Pushed version ${result.version} (${result.files} files)\n` : 'Nothing changed since the last sync\n');
    });
  sync.command('pull').description('Bring the newest version here; shows changes and conflicts, backs up what it replaces')
    .option('--dir <dir>', 'the Claude Code directory (default: CLAUDE_CONFIG_DIR or ~/.claude)')
    .option('--theirs', 'resolve conflicts with the server\'s version (local files are backed up)')
    .option('--dry-run', 'only show what would change')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const result = await pullConfig(apiClient(), opts.dir ?? claudeDir(), { takeTheirs: opts.theirs, dryRun: opts.dryRun });
      if (opts.json) return printJson(result ?? { empty: true });
      if (!result) return void process.stdout.write('Nothing on the server yet: run claudetools sync push on a configured machine\n');
      const { plan } = result;
      const lines = [
        ...plan.create.map((p) => `+ ${p}`), ...plan.update.map((p) => `~ ${p}`), ...plan.remove.map((p) => `- ${p}`),
        ...plan.localOnly.map((p) => `  ${p} (changed here, kept; push to share it)`),
        ...plan.conflicts.map((p) => `! ${p} (changed here and on the server${opts.theirs ? ': took the server\'s' : ': left as is'})`),
      ];
      process.stdout.write(`${opts.dryRun ? 'Would pull' : 'Pulled'} version ${result.version}\n${lines.join('\n')}${lines.length ? '\n' : ''}`);
      if (result.backupDir) process.stdout.write(`Replaced files are backed up in ${result.backupDir}\n`);
      if (plan.conflicts.length && !opts.theirs && !opts.dryRun) {
        throw new CliError(`${plan.conflicts.length} conflict(s): merge by hand, then sync pull --theirs (take the server's) or sync push --force (keep yours)`);
      }
    });
  sync.command('install-agents').description('Install the starter agent definitions (coding, code review, database, backup); never overwrites')
    .option('--dir <dir>', 'the Claude Code directory (default: CLAUDE_CONFIG_DIR or ~/.claude)')
    .action((opts) => {
      const { installed, skipped } = installStarterAgents(opts.dir ?? claudeDir());
      process.stdout.write([...installed.map((p) => `+ ${p}`), ...skipped.map((p) => `  ${p} (exists, kept)`)].join('\n') + '\n');
    });
}
