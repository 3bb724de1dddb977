import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientConfig } from '../cli/client-config.js';
import { requireBuiltin } from './builtins.js';
import { resolveConnection } from './connection.js';

export type Env = NodeJS.ProcessEnv;

/** A mode scopes what is saved and recalled: an MSP client, a development project, or neither. */
export type Mode =
  | { kind: 'msp'; client_id: string; client_code?: string }
  | { kind: 'dev'; project_id: string; project_slug?: string };

/** What the hook reads from `~/.claudetools/config.json` (written by `claudetools setup`, `mode`, `pause`). */
export interface HookConfig extends ClientConfig {
  machine_id?: string;
  mode?: Mode;
  paused?: boolean;
  recall_budget?: number;
  brief_budget?: number;
}

/**
 * os.homedir(), which on POSIX answers $HOME when it is set: read here without loading node:os at every
 * hook start (~0.2 ms). On Windows homedir() reads USERPROFILE, not HOME (which Git Bash sets), so it is asked.
 */
const homeDir = () => (process.platform !== 'win32' && process.env.HOME) || requireBuiltin<typeof import('node:os')>('node:os').homedir();

/** The same folder as the CLI's clientHome (cli/client-config.ts). */
export const ctHome = (env: Env) => env.CLAUDETOOLS_HOME || join(homeDir(), '.claudetools');
export const claudeHome = (env: Env) => env.CLAUDE_CONFIG_DIR || join(homeDir(), '.claude');
export const spoolDir = (env: Env) => join(ctHome(env), 'spool');
export const stateDir = (env: Env) => join(ctHome(env), 'state');
export const logsDir = (env: Env) => join(ctHome(env), 'logs');

export interface Connection { server: string; key: string | undefined }

/**
 * `<home>/config.json` as the CLI's readClientConfig reads it (absent or unreadable: empty), overridden by
 * the environment (and by a plugin's userConfig, which Claude Code exports as env).
 */
export function loadConfig(env: Env): HookConfig & Connection {
  let config: HookConfig = {};
  try {
    const parsed = JSON.parse(readFileSync(join(ctHome(env), 'config.json'), 'utf8'));
    if (parsed && typeof parsed === 'object') config = parsed;
  } catch { /* no config yet, or not JSON */ }
  return { ...config, ...resolveConnection(env, config) };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `new Date().toISOString()` without its cost: the first toISOString of a process loads the time zone
 * (/etc/localtime, ~0.2 ms), which an ISO string in UTC never needs. Same output for years 0 to 9999.
 */
export function isoNow(date = new Date()): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}Z`;
}
