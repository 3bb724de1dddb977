import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { MAX_FILE_CHARS, SYNCED_PATH } from '../modules/config-sync/schemas.js';

export const claudeDir = (env: NodeJS.ProcessEnv = process.env) => env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude');

export const hashText = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * This machine's synced files: CLAUDE.md and the agents/, commands/, skills/ trees, nothing else
 * (credentials, settings, projects/ transcripts never leave the machine). Hidden files, files too
 * big and files that are not UTF-8 text are skipped.
 */
export function readLocalFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const add = (path: string) => {
    const rel = relative(dir, path).split(sep).join('/');
    if (!SYNCED_PATH.test(rel) || rel.split('/').some((s) => s.startsWith('.'))) return;
    const bytes = readFileSync(path);
    const text = bytes.toString('utf8');
    if (text.length > MAX_FILE_CHARS || !Buffer.from(text, 'utf8').equals(bytes)) return;
    files[rel] = text;
  };
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) add(full);
    }
  };
  if (existsSync(join(dir, 'CLAUDE.md')) && statSync(join(dir, 'CLAUDE.md')).isFile()) add(join(dir, 'CLAUDE.md'));
  for (const sub of ['agents', 'commands', 'skills']) if (existsSync(join(dir, sub))) walk(join(dir, sub));
  return files;
}

/** What this machine last synced: the version and each file's hash then (the base of the three-way plan). */
export interface SyncState { version: number | null; files: Record<string, string> }

const statePath = (dir: string) => join(dir, '.claudetools-sync.json');

export function readState(dir: string): SyncState {
  if (!existsSync(statePath(dir))) return { version: null, files: {} };
  return JSON.parse(readFileSync(statePath(dir), 'utf8')) as SyncState;
}

export function writeState(dir: string, version: number, files: Record<string, string>): void {
  const hashes = Object.fromEntries(Object.entries(files).map(([p, t]) => [p, hashText(t)]));
  writeFileSync(statePath(dir), JSON.stringify({ version, files: hashes }, null, 2) + '\n', { mode: 0o600 });
}
