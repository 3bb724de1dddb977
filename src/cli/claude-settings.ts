import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { claudeHome, ctHome, type Env } from '../hook/env.js';
import { CliError } from './output.js';

export const settingsPath = (env: Env = process.env) => join(claudeHome(env), 'settings.json');
/** Where setup installs the bundled hook: outside the clone, so moving or updating the clone cannot break Claude Code. */
export const installedHookPath = (env: Env = process.env) => join(ctHome(env), 'bin', 'hook.cjs');

/** Claude Code's settings; a file we cannot parse is never overwritten (it is the user's, not ours). */
export function readSettings(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  const text = readFileSync(path, 'utf8');
  if (!text.trim()) return {};
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch { /* reported below */ }
  throw new CliError(`${path} is not a JSON object; fix it by hand, then run this again (it was left untouched)`);
}

/** Backs the current file up beside it, then writes the new one whole (temporary name, then rename). */
export function writeSettings(path: string, settings: Record<string, unknown>): string | null {
  mkdirSync(dirname(path), { recursive: true });
  let backup: string | null = null;
  if (existsSync(path)) {
    backup = `${path}.claudetools-backup-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    copyFileSync(path, backup);
  }
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(settings, null, 2) + '\n');
  renameSync(tmp, path);
  return backup;
}

export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
