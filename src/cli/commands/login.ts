import { DEFAULT_SERVER_URL } from '../../hook/connection.js';
import type { Command } from 'commander';
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { apiClient } from '../api-client.js';
import { writeClientConfig } from '../client-config.js';
import { CliError } from '../output.js';

/** Logs in once with email and password, then keeps an API key for this machine (the password is never stored). */
export function loginCommand(program: Command): void {
  program.command('login').description('Log in to a ClaudeTools server and keep an API key for this machine')
    .option('--server <url>', 'server URL', DEFAULT_SERVER_URL)
    .option('--email <email>').option('--password-stdin', 'read the password from stdin')
    .option('--api-key <key>', 'use an existing API key instead of a password')
    .action(async (opts) => {
      const server = String(opts.server).replace(/\/$/, '');
      const env = { ...process.env, CLAUDETOOLS_SERVER: server };
      if (opts.apiKey) {
        const me = await apiClient({ ...env, CLAUDETOOLS_API_KEY: opts.apiKey }).get<{ email: string }>('/api/auth/me');
        writeClientConfig({ server_url: server, api_key: opts.apiKey });
        process.stdout.write(`Logged in to ${server} as ${me.email}\n`);
        return;
      }
      if (!opts.email) throw new CliError('Give --email (with --password-stdin) or --api-key');
      const password = opts.passwordStdin ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : process.env.CLAUDETOOLS_PASSWORD;
      if (!password) throw new CliError('Give the password on stdin with --password-stdin');
      const tokens = await apiClient(env).post<{ access_token: string }>('/api/auth/login', { email: opts.email, password }, { auth: false });
      const key = await apiClient({ ...env, CLAUDETOOLS_API_KEY: tokens.access_token })
        .post<{ key: string }>('/api/api-keys', { name: `cli on ${hostname()}` });
      writeClientConfig({ server_url: server, api_key: key.key });
      process.stdout.write(`Logged in to ${server} as ${opts.email}; an API key for this machine is saved in config.json\n`);
    });
}
