import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../hook/env.js';
import { flush } from '../../hook/flush.js';
import { runHook } from '../../hook/run.js';
import { pendingCount } from '../../hook/spool.js';
import { printJson } from '../output.js';

/**
 * `claudetools hook <event>`: the hook client through the CLI (the bundled file setup installs is the fast
 * path; this one is for trying a hook by hand). `claudetools flush`: deliver the spool now.
 */
export function hookCommands(program: Command): void {
  program.command('hook <event>').description('Run a Claude Code hook (event JSON on stdin); always exits 0')
    .action(async (event: string) => {
      let stdin = '';
      try { stdin = readFileSync(0, 'utf8'); } catch { /* no stdin */ }
      const out = await runHook(event, stdin, process.env);
      if (out) process.stdout.write(out + '\n');
    });
  program.command('flush').description('Deliver what the hooks spooled in ~/.claudetools/spool')
    .option('--background', 'quiet (as started by a hook)').option('--json')
    .action(async (opts) => {
      const result = await flush(process.env, loadConfig(process.env), { deadlineMs: 120_000 });
      const left = pendingCount(process.env);
      if (opts.background) return;
      if (opts.json) return printJson({ ...result, left });
      process.stdout.write(`delivered ${result.delivered}, set aside ${result.rejected} refused and ${result.corrupt} corrupt, ${left} waiting${result.error ? ` (${result.error})` : ''}\n`);
      if (left) process.exitCode = 1;
    });
}
