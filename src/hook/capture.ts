import { stableHash } from './hash.js';
import { redactSecrets } from '../memory/redact.js';
import type { HookContext } from './context.js';
import { scopeOf } from './context.js';
import { logProblem } from './log.js';
import { spool, type SpoolEntry } from './spool.js';
import { stateOrNew, writeState } from './state.js';
import { readTranscript, type Turn } from './transcript.js';

const TURNS_PER_INGEST = 200;
/** Characters, kept well under the server's 1 MB body limit even for 3-byte UTF-8 text. */
const CHARS_PER_INGEST = 250_000;

/** Splits turns into ingest-sized batches (the server takes up to 5,000 turns and a 1 MB body). */
export function batchTurns(turns: Turn[]): Turn[][] {
  const out: Turn[][] = [];
  let size = 0;
  for (const t of turns) {
    const last = out.at(-1);
    if (!last || last.length >= TURNS_PER_INGEST || size + t.text.length > CHARS_PER_INGEST) { out.push([t]); size = 0; } else last.push(t);
    size += t.text.length;
  }
  return out;
}

/** The same turns always get the same key, so re-reading a range (a crash before the offset was saved) stores once. */
export const ingestKey = (session: string, turns: Turn[]) =>
  `tr:${stableHash(`${session}|${turns[0]!.ref}|${turns.at(-1)!.ref}|${turns.length}`)}`;

/** Redacted on this machine, before the spool: secrets and <private> spans never reach the disk queue or the wire. */
export function redactTurns(turns: Turn[]): Turn[] {
  return turns.map((t) => ({ ...t, text: redactSecrets(t.text).trim() })).filter((t) => t.text);
}

/** Builds the ingest spool entries for new turns of a session. */
export function ingestEntries(ctx: Pick<HookContext, 'config' | 'at'>, session: string, startedAt: string, title: string | undefined, turns: Turn[], scope: { project_id?: string; client_id?: string }): SpoolEntry[] {
  return batchTurns(redactTurns(turns)).map((batch) => ({
    v: 1, key: ingestKey(session, batch), kind: 'ingest', at: ctx.at,
    body: { ...scope, ...(ctx.config.machine_id ? { machine_id: ctx.config.machine_id } : {}),
      session: { external_id: session, started_at: startedAt, ...(title ? { title } : {}) }, turns: batch },
  }));
}

/**
 * Spools the turns added to the transcript since the last save and moves the session's offset past them.
 * The entries are on disk before the offset moves: a crash in between re-reads the range, and the key dedupes it.
 */
export function captureTranscript(ctx: HookContext): number {
  const { env, input } = ctx;
  const path = input.transcript_path;
  if (!path) return 0;
  const state = stateOrNew(env, input.session_id);
  let read;
  try {
    read = readTranscript(path, state.offset, input.session_id);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') logProblem(env, `transcript ${path}: ${(e as Error).message}`);
    return 0;
  }
  if (read.startedAt && read.startedAt < state.started_at) state.started_at = read.startedAt;
  const title = read.title ?? state.title;
  const entries = ingestEntries(ctx, input.session_id, state.started_at, title, read.turns, scopeOf(ctx.config, state));
  spool(env, entries);
  writeState(env, { ...state, offset: read.offset, transcript_path: path, ...(title ? { title } : {}) });
  return entries.length;
}
