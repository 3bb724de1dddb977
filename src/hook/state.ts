import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isoNow, stateDir, type Env } from './env.js';

/** What the hook remembers about one Claude Code session between its invocations. */
export interface SessionState {
  session: string;
  started_at: string;
  /** Byte offset in the transcript up to which turns were spooled. */
  offset: number;
  transcript_path?: string;
  project_id?: string | null;
  client_id?: string | null;
  title?: string;
  /** Ids of the memories injected so far (until a compaction, resume or clear starts a fresh context). */
  injected?: string[];
}

const fileFor = (env: Env, session: string) => join(stateDir(env), `${session.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120)}.json`);

export function readState(env: Env, session: string): SessionState | null {
  try {
    return JSON.parse(readFileSync(fileFor(env, session), 'utf8'));
  } catch { return null; }
}

/**
 * Written whole under a temporary name and renamed, so a reader never sees half a state. The folder is made
 * only when the file cannot be created without it (it exists after a session's first hook). Opened and
 * written directly: writeFileSync with a mode took the prompt hook ~0.15 ms more on its first call.
 */
export function writeState(env: Env, state: SessionState): void {
  const file = fileFor(env, state.session);
  const tmp = `${file}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = openSync(tmp, 'w', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(stateDir(env), { recursive: true, mode: 0o700 });
    fd = openSync(tmp, 'w', 0o600);
  }
  try {
    const bytes = Buffer.from(JSON.stringify(state));
    for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export const stateOrNew = (env: Env, session: string): SessionState =>
  readState(env, session) ?? { session, started_at: isoNow(), offset: 0 };

const KEEP_STATE_MS = 30 * 24 * 3600_000;

/** Sessions untouched for a month are over: their state files go (a resumed one starts reading its transcript again, and ingest dedupes). */
export function pruneStates(env: Env): void {
  try {
    const dir = stateDir(env);
    for (const f of readdirSync(dir)) {
      const path = join(dir, f);
      if (Date.now() - statSync(path).mtimeMs > KEEP_STATE_MS) unlinkSync(path);
    }
  } catch { /* nothing to prune */ }
}
