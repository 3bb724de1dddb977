import { stableHash } from './hash.js';
import { redactSecrets } from '../memory/redact.js';
import type { HookContext } from './context.js';
import { scopeOf } from './context.js';
import { logProblem } from './log.js';
import { spool, type SpoolEntry } from './spool.js';
import { stateOrNew, writeState } from './state.js';
import { readTranscript, type Turn } from './transcript.js';

const TURNS_PER_INGEST = 200;
/**
 * Bytes of JSON per ingest request: the server's default body limit is 1 MiB (1,048,576 bytes); this leaves
 * room for the session fields around the turns. A server with a smaller limit answers 413 and the flusher
 * splits the batch.
 */
export const INGEST_BODY_BYTES = 900_000;
/** Characters of one turn: the server refuses a turn over 200,000. A longer one keeps its head and tail. */
export const MAX_TURN_CHARS = 100_000;
const TURN_HEAD = 30_000;

/** A turn's text within MAX_TURN_CHARS: its head and tail (where the question and the result are), with a marker between. */
export function capTurnText(text: string): string {
  if (text.length <= MAX_TURN_CHARS) return text;
  const tail = MAX_TURN_CHARS - TURN_HEAD - 100;
  return `${text.slice(0, TURN_HEAD)}\n[… ${text.length - TURN_HEAD - tail} characters left out …]\n${text.slice(-tail)}`;
}

const turnBytes = (t: Turn) => Buffer.byteLength(JSON.stringify(t)) + 1;

/** Splits turns into ingest-sized batches: at most 200 turns and INGEST_BODY_BYTES of JSON each. */
export function batchTurns(turns: Turn[]): Turn[][] {
  const out: Turn[][] = [];
  let size = 0;
  for (const t of turns) {
    const last = out.at(-1);
    const bytes = turnBytes(t);
    if (!last || last.length >= TURNS_PER_INGEST || size + bytes > INGEST_BODY_BYTES) { out.push([t]); size = 0; } else last.push(t);
    size += bytes;
  }
  return out;
}

/** The same turns always get the same key, so re-reading a range (a crash before the offset was saved) stores once. */
export const ingestKey = (session: string, turns: Turn[]) =>
  `tr:${stableHash(`${session}|${turns[0]!.ref}|${turns.at(-1)!.ref}|${turns.length}`)}`;

/**
 * Redacted on this machine, before the spool: secrets and <private> spans never reach the disk queue or the
 * wire. Redacted whole first, then cut to size: a cut first could split a token or a <private> block so that
 * it no longer matches.
 */
export function redactTurns(turns: Turn[]): Turn[] {
  return turns.map((t) => ({ ...t, text: capTurnText(redactSecrets(t.text).trim()) })).filter((t) => t.text);
}

/** Builds the ingest spool entries for new turns of a session. */
export function ingestEntries(ctx: Pick<HookContext, 'config' | 'at'>, session: string, startedAt: string, title: string | undefined, turns: Turn[], scope: { project_id?: string; client_id?: string }): SpoolEntry[] {
  const cleanTitle = title ? redactSecrets(title).slice(0, 300) : undefined;
  return batchTurns(redactTurns(turns)).map((batch) => ({
    v: 1, key: ingestKey(session, batch), kind: 'ingest', at: ctx.at,
    body: { ...scope, ...(ctx.config.machine_id ? { machine_id: ctx.config.machine_id } : {}),
      session: { external_id: session, started_at: startedAt, ...(cleanTitle ? { title: cleanTitle } : {}) }, turns: batch },
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
