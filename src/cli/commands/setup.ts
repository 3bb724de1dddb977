import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, hostname, platform, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { DEFAULT_SERVER_URL, resolveConnection, trimServer } from '../../hook/connection.js';
import { addHooks, DEFAULT_NODE, isOurCommand, removeHooks } from '../../hook/settings.js';
import { apiClient, qs } from '../api-client.js';
import { readClientConfig, writeClientConfig } from '../client-config.js';
import { installedHookPath, readSettings, replaceFile, sameJson, settingsPath, writeSettings } from '../claude-settings.js';
import { ensureHookBundle } from '../hook-bundle.js';
import { CliError } from '../output.js';

const PLATFORMS: Record<string, string> = { linux: 'linux', darwin: 'macos', win32: 'windows' };

/** This machine's row on the server: registered once per host name and OS user, found again on later runs. */
async function registerMachine(api: ReturnType<typeof apiClient>, host: string): Promise<string> {
  const user = userInfo().username;
  try {
    const created = await api.post<{ id: string }>('/api/machines', {
      hostname: host, username: user, home_dir: homedir(), ...(PLATFORMS[platform()] ? { platform: PLATFORMS[platform()] } : {}),
    });
    return created.id;
  } catch (e) {
    if (!/^409 /.test((e as Error).message)) throw e;
    const page = await api.get<{ items: { id: string; username: string | null }[] }>(`/api/machines${qs({ hostname: host, limit: 100 })}`);
    const mine = page.items.find((m) => m.username === user);
    if (!mine) throw e;
    return mine.id;
  }
}

/** An API key for this machine: the one given, one minted after a password login, or the one already configured. */
async function credentials(server: string, opts: { apiKey?: string; email?: string; passwordStdin?: boolean }): Promise<{ key: string; mint: boolean }> {
  if (opts.apiKey) return { key: opts.apiKey, mint: false };
  if (opts.email) {
    const password = opts.passwordStdin ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : process.env.CLAUDETOOLS_PASSWORD;
    if (!password) throw new CliError('Give the password on stdin with --password-stdin (or in CLAUDETOOLS_PASSWORD)');
    const tokens = await apiClient({ ...process.env, CLAUDETOOLS_SERVER: server }).post<{ access_token: string }>('/api/auth/login', { email: opts.email, password }, { auth: false });
    return { key: tokens.access_token, mint: true };
  }
  const existing = readClientConfig().api_key;
  if (existing) return { key: existing, mint: false };
  throw new CliError('Give --api-key KEY, or --email E with --password-stdin');
}

/** Copies the freshly built bundle to ~/.claudetools/bin/hook.cjs, atomically: a hook starting meanwhile loads the old file or the new one. */
async function installHookFile(): Promise<string> {
  const target = installedHookPath();
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  replaceFile(target, readFileSync(await ensureHookBundle()), 0o755);
  return target;
}

export function setupCommands(program: Command): void {
  program.command('setup').description('Connect this machine to a ClaudeTools server and install the Claude Code hooks')
    .option('--server <url>', `server URL (default: the configured one, else ${DEFAULT_SERVER_URL})`)
    .option('--api-key <key>', 'an existing API key').option('--email <email>', 'log in with this account').option('--password-stdin')
    .option('--hostname <name>', 'register this machine under this name (default: its host name; two machines sharing one need it)')
    .option('--no-hooks', 'configure only; leave ~/.claude/settings.json alone')
    .option('--node <path>', `the node the hooks run with (default: ${DEFAULT_NODE}, found on PATH, so a node upgrade keeps them working)`)
    .action(async (opts) => {
      const server = opts.server ? trimServer(String(opts.server)) : resolveConnection(process.env, readClientConfig()).server;
      const { key, mint } = await credentials(server, opts);
      const api = apiClient({ ...process.env, CLAUDETOOLS_SERVER: server, CLAUDETOOLS_API_KEY: key });
      const me = await api.get<{ email: string }>('/api/auth/me');
      const host = String(opts.hostname ?? hostname());
      const machineId = await registerMachine(api, host);
      const apiKey = mint ? (await api.post<{ key: string }>('/api/api-keys', { name: `Claude Code on ${host}`, machine_id: machineId })).key : key;
      const hookFile = await installHookFile();
      writeClientConfig({ server_url: server, api_key: apiKey, machine_id: machineId, hook_file: hookFile });
      process.stdout.write(`Connected to ${server} as ${me.email}; machine ${host} is ${machineId}\n`);
      if (opts.hooks === false) return;
      const path = settingsPath();
      const before = readSettings(path);
      const after = addHooks(before, String(opts.node ?? DEFAULT_NODE), hookFile);
      if (sameJson(before, after)) {
        process.stdout.write(`Hooks already installed in ${path}\n`);
        return;
      }
      const backup = writeSettings(path, after);
      process.stdout.write(`Hooks installed in ${path}${backup ? ` (the previous file is kept as ${backup})` : ''}\n`);
    });

  program.command('uninstall').description('Remove exactly the hooks setup added (and the installed hook file)')
    .action(() => {
      const hookFile = String((readClientConfig() as { hook_file?: string }).hook_file ?? installedHookPath());
      const path = settingsPath();
      const before = readSettings(path);
      const after = removeHooks(before, isOurCommand(hookFile));
      if (!sameJson(before, after)) {
        const backup = writeSettings(path, after);
        process.stdout.write(`Hooks removed from ${path} (the previous file is kept as ${backup})\n`);
      } else process.stdout.write(`No ClaudeTools hooks in ${path}\n`);
      if (existsSync(hookFile)) rmSync(hookFile);
      writeClientConfig({ hook_file: undefined });
      process.stdout.write('Your server, API key and any spooled writes are kept; run claudetools flush to deliver them.\n');
    });
}
