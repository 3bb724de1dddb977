import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * Backs the current file up beside it, then writes the new one whole (temporary name, then rename). A
 * symlinked settings.json (dotfiles repos) is followed: its target is rewritten and the link stays; the
 * file keeps its permissions (0600 stays 0600), and so does the backup.
 */
export function writeSettings(path: string, settings: Record<string, unknown>): string | null {
  mkdirSync(dirname(path), { recursive: true });
  let backup: string | null = null;
  let target = path;
  let mode = 0o644;
  if (existsSync(path)) {
    target = realpathSync(path);
    mode = statSync(target).mode & 0o777;
    backup = `${path}.claudetools-backup-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    copyFileSync(target, backup);
    chmodSync(backup, mode);
  }
  replaceFile(target, JSON.stringify(settings, null, 2) + '\n', mode);
  return backup;
}

/**
 * Writes a file whole under a temporary name beside it, then renames it into place: a reader (a hook
 * starting meanwhile) sees the old file or the new one, never half of one.
 */
export function replaceFile(target: string, content: string | Buffer, mode: number): void {
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode); // the umask may have taken bits away
  renameSync(tmp, target);
}

export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
