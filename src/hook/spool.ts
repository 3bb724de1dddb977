import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spoolDir, type Env } from './env.js';

/**
 * One pending write. `kind` says where it goes: `event` to /api/hooks/events, `ingest` to /api/memory/ingest.
 * `key` is its idempotency key: delivering an entry twice is harmless, the server applies a key once.
 */
export interface SpoolEntry {
  v: 1;
  key: string;
  kind: 'event' | 'ingest';
  at: string;
  body: Record<string, unknown>;
}

export const PENDING = /^\d+-\d+-[0-9a-f]+\.jsonl$/;

/** Monotonic-enough and unique: time for order, pid and random bytes so two processes never pick one name. */
const fileName = () => `${String(Date.now()).padStart(14, '0')}-${process.pid}-${randomHex(8)}.jsonl`;

/** Not node:crypto: loading it costs the prompt hook time, and these only need to be unique, not secret. */
const randomHex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');

/** A key for a write that is spooled once (its redeliveries reuse it): 96 random bits. */
export const newKey = (prefix: string) => `${prefix}:${randomHex(24)}`;

/**
 * Appends entries to the spool. Each writer gets its own file, written whole under a temporary name and
 * renamed into place, so two hooks spooling at once never interleave and a flusher never reads half a file.
 */
export function spool(env: Env, entries: SpoolEntry[]): void {
  if (!entries.length) return;
  const dir = spoolDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = fileName();
  const tmp = join(dir, `.${name}.tmp`);
  writeFileSync(tmp, entries.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o600 });
  renameSync(tmp, join(dir, name));
}

/** Files waiting for delivery, oldest first. */
export function pendingFiles(env: Env): string[] {
  const dir = spoolDir(env);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => PENDING.test(f)).sort();
}

/** How many entries wait for delivery (for doctor and flush). */
export function pendingCount(env: Env): number {
  return pendingFiles(env).reduce((n, f) => {
    try {
      return n + readFileSync(join(spoolDir(env), f), 'utf8').split('\n').filter((l) => l.trim()).length;
    } catch { return n; }
  }, 0);
}

/** Lines no flush can use: kept beside the spool for a person to look at, never retried, never blocking the rest. */
export function setAside(env: Env, folder: 'corrupt' | 'rejected', source: string, line: string, why: string): void {
  const dir = join(spoolDir(env), folder);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  appendFileSync(join(dir, `${source}.txt`), `# ${why}\n${line}\n`, { mode: 0o600 });
}

/** Parses one spool line; anything else (half a line, an edited file, a disk error) is null. */
export function parseEntry(line: string): SpoolEntry | null {
  try {
    const e = JSON.parse(line);
    return e && e.v === 1 && typeof e.key === 'string' && (e.kind === 'event' || e.kind === 'ingest') && e.body && typeof e.body === 'object' ? e : null;
  } catch { return null; }
}

export const mtimeMs = (path: string) => { try { return statSync(path).mtimeMs; } catch { return 0; } };

/** A temporary file this old was left by a writer that died between writing and renaming it. */
const STALE_TMP_MS = 5 * 60_000;

/** Removes temporary files no writer will ever rename (a crash mid-write); fresh ones may still be in use. */
export function cleanTmpFiles(env: Env): void {
  const dir = spoolDir(env);
  let names: string[];
  try { names = readdirSync(dir); } catch { return; }
  for (const f of names) {
    if (!f.endsWith('.tmp')) continue;
    const path = join(dir, f);
    if (Date.now() - mtimeMs(path) < STALE_TMP_MS) continue;
    try { unlinkSync(path); } catch { /* gone already */ }
  }
}
