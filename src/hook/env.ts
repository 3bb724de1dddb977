import { homedir } from 'node:os';
import { join } from 'node:path';
import { readClientConfig, type ClientConfig } from '../cli/client-config.js';
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

export const ctHome = (env: Env) => env.CLAUDETOOLS_HOME || join(homedir(), '.claudetools');
export const claudeHome = (env: Env) => env.CLAUDE_CONFIG_DIR || join(homedir(), '.claude');
export const spoolDir = (env: Env) => join(ctHome(env), 'spool');
export const stateDir = (env: Env) => join(ctHome(env), 'state');
export const logsDir = (env: Env) => join(ctHome(env), 'logs');

export interface Connection { server: string; key: string | undefined }

/** Config file, overridden by the environment (and by a plugin's userConfig, which Claude Code exports as env). */
export function loadConfig(env: Env): HookConfig & Connection {
  const config = readClientConfig(env) as HookConfig;
  return { ...config, ...resolveConnection(env, config) };
}
