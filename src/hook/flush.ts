import { readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spoolDir, type Connection, type Env } from './env.js';
import { isSetupStatus, isTransientResponse, requestJson, TransientError } from './http.js';
import { logProblem } from './log.js';
import { cleanTmpFiles, mtimeMs, parseEntry, pendingFiles, setAside, type SpoolEntry } from './spool.js';

export interface FlushResult { delivered: number; rejected: number; corrupt: number; pending: boolean; error?: string }

/** `<file>.sending-<pid>-<claim time>`: renaming keeps the file's mtime, so the claim's own time is in its name. */
const CLAIMED = /^(\d+-\d+-[0-9a-f]+\.jsonl)\.sending-(\d+)(?:-(\d+))?$/;
/** A flusher that holds a file longer than this has died (or hangs): its claim is taken back. */
const STALE_CLAIM_MS = 2 * 60_000;
const EVENTS_PER_REQUEST = 100;

/** Unlinks what may already be gone (a flusher that took a stale claim back renamed it away). */
const removeIfThere = (path: string) => { try { unlinkSync(path); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; } };

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; } };

/** Files claimed by a flusher that is gone go back to the queue, so a crash mid-delivery loses nothing. */
function reclaimStale(dir: string) {
  for (const f of readdirSync(dir)) {
    const m = CLAIMED.exec(f);
    if (!m) continue;
    const claimedAt = m[3] ? Number(m[3]) : mtimeMs(join(dir, f));
    if (alive(Number(m[2])) && Date.now() - claimedAt < STALE_CLAIM_MS) continue;
    try { renameSync(join(dir, f), join(dir, m[1]!)); } catch { /* another flusher took it back first */ }
  }
}

/**
 * Delivers one request's worth and sets aside what the server refuses for good; returns how many were refused.
 * A refused batch of events is retried one by one, so one bad event never takes good ones with it.
 * Throws TransientError when the server cannot take it now.
 */
async function send(env: Env, conn: Connection, source: string, entries: SpoolEntry[], timeoutMs: number): Promise<number> {
  const [path, body] = entries[0]!.kind === 'ingest'
    ? ['/api/memory/ingest', { ...entries[0]!.body, idempotency_key: entries[0]!.key }]
    : ['/api/hooks/events', { events: entries.map((e) => ({ ...e.body, key: e.key })) }];
  const res = await requestJson(conn, 'POST', path, body, timeoutMs);
  if (res.status >= 200 && res.status < 300) {
    const refused = (res.body as { rejected?: { key: string; reason: string }[] } | null)?.rejected ?? [];
    for (const r of refused) setAside(env, 'rejected', source, JSON.stringify(entries.find((e) => e.key === r.key) ?? r), r.reason);
    return refused.length;
  }
  if (isTransientResponse(res)) {
    if (isSetupStatus(res.status)) logProblem(env, `spool: ${conn.server}${path} answered ${res.status} (check the server URL and API key); kept for later`);
    throw new TransientError(`${path} answered ${res.status}`);
  }
  // Too big or refused as a whole: an ingest is split in halves, each retried, before any turn is set aside.
  const halves = entries.length === 1 && (res.status === 400 || res.status === 413) ? splitIngest(entries[0]!) : null;
  if (halves) return Math.min(1, (await send(env, conn, source, [halves[0]], timeoutMs)) + (await send(env, conn, source, [halves[1]], timeoutMs)));
  if (entries.length > 1) {
    let refused = 0;
    for (const e of entries) refused += await send(env, conn, source, [e], timeoutMs);
    return refused;
  }
  const why = `${res.status} ${JSON.stringify(res.body).slice(0, 500)}`;
  logProblem(env, `spool: ${path} refused an entry for good: ${why}`);
  setAside(env, 'rejected', source, JSON.stringify(entries[0]), why);
  return 1;
}

/** An ingest of two or more turns as two halves, each with its own key derived from the whole one's (so a retry dedupes). */
export function splitIngest(entry: SpoolEntry): [SpoolEntry, SpoolEntry] | null {
  const turns = entry.body.turns;
  if (entry.kind !== 'ingest' || !Array.isArray(turns) || turns.length < 2) return null;
  const mid = Math.ceil(turns.length / 2);
  const half = (part: unknown[], tag: string): SpoolEntry => ({ ...entry, key: `${entry.key.slice(0, 97)}/${tag}`, body: { ...entry.body, turns: part } });
  return [half(turns.slice(0, mid), 'a'), half(turns.slice(mid), 'b')];
}

/** Consecutive events travel together; each ingest travels alone (it is big). */
function batches(entries: SpoolEntry[]): SpoolEntry[][] {
  const out: SpoolEntry[][] = [];
  for (const e of entries) {
    const last = out.at(-1);
    if (e.kind === 'event' && last && last[0]!.kind === 'event' && last.length < EVENTS_PER_REQUEST) last.push(e);
    else out.push([e]);
  }
  return out;
}

/**
 * Delivers the spool, oldest file first, at least once. A file is claimed by renaming it (only one flusher
 * wins), delivered request by request, then deleted; when the server cannot take more, what is left is
 * written back under the original name and the flush stops (the next hook or `claudetools flush` goes on).
 * A corrupt line or an entry the server refuses for good is set aside and never blocks the rest.
 */
export async function flush(env: Env, conn: Connection, opts: { deadlineMs?: number; timeoutMs?: number } = {}): Promise<FlushResult> {
  const result: FlushResult = { delivered: 0, rejected: 0, corrupt: 0, pending: false };
  const dir = spoolDir(env);
  const deadline = Date.now() + (opts.deadlineMs ?? 30_000);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let files: string[];
  try {
    reclaimStale(dir);
    cleanTmpFiles(env);
    files = pendingFiles(env);
  } catch { return result; }
  if (!conn.key) return { ...result, pending: files.length > 0, error: 'no API key: run claudetools setup' };

  // Hooks keep spooling while we deliver (a background flush skips starting a second one): take what came meanwhile too.
  const seen = new Set<string>();
  const next = () => {
    if (!files.length) files = pendingFiles(env).filter((f) => !seen.has(f));
    return files.shift();
  };
  for (let name = next(); name !== undefined; name = next()) {
    seen.add(name);
    if (Date.now() >= deadline) { result.pending = true; break; }
    const claimed = join(dir, `${name}.sending-${process.pid}-${Date.now()}`);
    try { renameSync(join(dir, name), claimed); } catch { continue; /* another flusher has it */ }
    let text: string;
    try { text = readFileSync(claimed, 'utf8'); } catch { continue; /* taken back meanwhile */ }
    const lines = text.split('\n').filter((l) => l.trim());
    const entries: SpoolEntry[] = [];
    for (const line of lines) {
      const entry = parseEntry(line);
      if (entry) entries.push(entry);
      else { setAside(env, 'corrupt', name, line, 'not a spool entry'); result.corrupt++; }
    }
    let done = 0;
    try {
      for (const batch of batches(entries)) {
        if (Date.now() >= deadline) throw new TransientError('flush deadline reached');
        const refused = await send(env, conn, name, batch, Math.min(timeoutMs, Math.max(200, deadline - Date.now())));
        result.delivered += batch.length - refused;
        result.rejected += refused;
        done += batch.length;
      }
      removeIfThere(claimed);
    } catch (err) {
      // Put back what is not delivered, under the original name so it keeps its place in the queue.
      const rest = entries.slice(done);
      if (rest.length) {
        try {
          writeFileSync(`${claimed}.tmp`, rest.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o600 });
          renameSync(`${claimed}.tmp`, join(dir, name));
        } catch (e) { logProblem(env, `spool: could not put back ${name}: ${(e as Error).message}`); }
      }
      try { removeIfThere(claimed); } catch (e) { logProblem(env, `spool: ${(e as Error).message}`); }
      result.pending = true;
      result.error = (err as Error).message;
      if (!(err instanceof TransientError)) logProblem(env, `spool: ${(err as Error).stack ?? err}`);
      break;
    }
  }
  return result;
}
