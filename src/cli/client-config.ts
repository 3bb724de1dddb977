import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the CLI remembers per machine: which server, and the API key it logged in with. */
export interface ClientConfig {
  server_url?: string;
  api_key?: string;
  [key: string]: unknown;
}

export const clientHome = (env = process.env) => env.CLAUDETOOLS_HOME || join(homedir(), '.claudetools');
const configPath = (env = process.env) => join(clientHome(env), 'config.json');

export function readClientConfig(env = process.env): ClientConfig {
  const path = configPath(env);
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
}

/** Merges into config.json (keeping keys the server reads), written atomically with mode 0600. */
export function writeClientConfig(patch: ClientConfig, env = process.env): void {
  const home = clientHome(env);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = configPath(env);
  const next = { ...readClientConfig(env), ...patch };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
  chmodSync(path, 0o600);
}
