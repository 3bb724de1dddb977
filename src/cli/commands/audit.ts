import type { Command } from 'commander';
import { printJson } from '../output.js';
import { withServerServices } from '../server-context.js';

export function auditCommands(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit log');
  audit.command('verify').description('Walk the hash chain; exit 1 naming the first altered, removed or inserted row').option('--json')
    .action((opts) => withServerServices(async (s) => {
      const result = await s.audit.verify();
      if (opts.json) printJson(result);
      else if (result.ok) process.stdout.write(`Audit chain intact: ${result.checked} rows verified\n`);
      else process.stdout.write(`Audit chain BROKEN after ${result.checked} good rows: ${result.first_problem!.message}\n`);
      if (!result.ok) process.exitCode = 1;
    }));
}
