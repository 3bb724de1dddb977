import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { systemContext } from '../../core/context.js';
import { randomToken } from '../../core/ids.js';
import type { Services } from '../../app.js';
import { CliError, printJson, printTable } from '../output.js';
import { withServerServices } from '../server-context.js';

const ctx = () => systemContext('cli');

/** --password-stdin reads the password from standard input, so it never shows in `ps` or shell history. */
function passwordFrom(opts: { password?: string; passwordStdin?: boolean }): { password: string; generated: boolean } {
  if (opts.passwordStdin) return { password: readFileSync(0, 'utf8').replace(/\r?\n$/, ''), generated: false };
  if (opts.password) return { password: opts.password, generated: false };
  return { password: randomToken(18), generated: true };
}

async function findByEmail(s: Services, email: string) {
  const page = await s.users.list(ctx(), { limit: 500, offset: 0, q: email.toLowerCase() });
  const user = page.items.find((u) => u.email === email.toLowerCase());
  if (!user) throw new CliError(`No user with email ${email}`);
  return user;
}

export function userCommands(program: Command): void {
  const user = program.command('user').description('Manage users in the server database');

  user.command('create').description('Create a user; prints a generated password once unless you give one')
    .requiredOption('--email <email>').option('--name <name>').option('--role <role>', 'admin | technician | viewer', 'technician')
    .option('--password <password>').option('--password-stdin', 'read the password from stdin').option('--json')
    .action((opts) => withServerServices(async (s) => {
      const { password, generated } = passwordFrom(opts);
      const created = await s.users.create(ctx(), { email: opts.email, name: opts.name ?? opts.email.split('@')[0], role: opts.role, password });
      if (opts.json) return printJson({ ...created, ...(generated ? { password } : {}) });
      process.stdout.write(`Created ${created.role} ${created.email} (${created.id})\n`);
      if (generated) process.stdout.write(`Password (shown once): ${password}\n`);
    }));

  user.command('list').description('List users').option('--json')
    .action((opts) => withServerServices(async (s) => {
      const page = await s.users.list(ctx(), { limit: 500, offset: 0 });
      if (opts.json) return printJson(page.items);
      printTable(page.items, ['email', 'name', 'role', 'is_active', 'last_login_at', 'id']);
    }));

  for (const [name, active] of [['disable', false], ['enable', true]] as const) {
    user.command(`${name} <email>`).description(`${name === 'disable' ? 'Disable' : 'Enable'} a user${active ? '' : ' (ends every session at once)'}`)
      .action((email) => withServerServices(async (s) => {
        const found = await findByEmail(s, email);
        await s.users.update(ctx(), found.id, { is_active: active });
        process.stdout.write(`${name === 'disable' ? 'Disabled' : 'Enabled'} ${found.email}\n`);
      }));
  }

  user.command('reset-password <email>').description('Set a new password (generated unless given); ends the user\'s sessions and unlocks the account')
    .option('--password <password>').option('--password-stdin', 'read the password from stdin')
    .action((email, opts) => withServerServices(async (s) => {
      const found = await findByEmail(s, email);
      const { password, generated } = passwordFrom(opts);
      await s.users.update(ctx(), found.id, { password });
      process.stdout.write(`Password of ${found.email} reset.\n`);
      if (generated) process.stdout.write(`New password (shown once): ${password}\n`);
    }));
}
