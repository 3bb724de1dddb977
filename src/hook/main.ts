/**
 * Entry of the bundled hook (`dist/hook.cjs`, copied to ~/.claudetools/bin/hook.cjs by setup):
 *   node hook.cjs <event>           one Claude Code hook; the event JSON on stdin
 *   node hook.cjs flush --background deliver the spool (started detached by hooks with a tight budget)
 * It always exits 0: a hook that fails must never block or disturb Claude.
 */
import { mkdirSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FLUSH_LOCK } from './context.js';
import { loadConfig, spoolDir } from './env.js';
import { logProblem } from './log.js';
import { runHook } from './run.js';
import { eventHandlers } from './units.js';

/** The last resort: whatever hangs, the hook is gone well before Claude's own timeout. */
const HARD_LIMIT_MS = 20_000;
const MAX_STDIN = 16 * 1024 * 1024;

/** Claude Code writes the event and closes stdin at once; a stdin left open this long gets the hook ended. */
export const STDIN_TIMEOUT_MS = Number(process.env.CLAUDETOOLS_STDIN_TIMEOUT_MS) || 5000;

/**
 * Reads stdin as a stream (libuv reads pipes without blocking the event loop or a thread), so the timers
 * still fire: when stdin never closes, the hook logs it and exits 0 instead of hanging until Claude kills
 * it. Not a synchronous read, and not fs.read on the thread pool: a read blocked there keeps even
 * process.exit from finishing. A regular file on stdin is read through the same stream (not told apart
 * with an fstat first: that cost every prompt ~0.2 ms). The timer is unref'd, never cleared: once stdin
 * has ended it holds nothing open, and a late rejection of a settled race is a no-op (clearTimeout's first
 * call costs ~0.15 ms).
 */
function readStdin(): Promise<string> {
  const timeout = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(`stdin still open after ${STDIN_TIMEOUT_MS} ms`)), STDIN_TIMEOUT_MS).unref();
  });
  return Promise.race([readStream(), timeout]);
}

/** Events, not `for await`: the async iterator loads another handful of stream modules at start. */
function readStream(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Destroyed, as a `for await` that stops early would: an oversized stdin left open would hold the process.
    const done = () => { process.stdin.removeAllListeners('data').destroy(); resolve(Buffer.concat(chunks).toString('utf8')); };
    process.stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_STDIN) return done();
      chunks.push(chunk);
    });
    process.stdin.once('end', done);
    process.stdin.once('error', reject);
  });
}

/**
 * Writes to fd 1 directly: creating process.stdout (a stream over the pipe) costs the prompt hook about a
 * millisecond, and Node writes a stdout pipe synchronously anyway. Should the pipe not take it all at once
 * (a non-blocking pipe that is full), the stream writes the rest.
 */
function print(text: string) {
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch {
    process.stdout.write(bytes.subarray(written));
  }
}

async function backgroundFlush() {
  const lock = join(spoolDir(process.env), FLUSH_LOCK);
  try {
    mkdirSync(spoolDir(process.env), { recursive: true, mode: 0o700 });
    writeFileSync(lock, String(process.pid));
    await eventHandlers().flush(process.env, loadConfig(process.env), { deadlineMs: 15_000 });
  } finally {
    try { unlinkSync(lock); } catch { /* already gone */ }
  }
}

async function main() {
  setTimeout(() => process.exit(0), HARD_LIMIT_MS).unref();
  // Whatever escapes (a socket error after the answer, a bug) is logged and the hook still exits 0.
  const quit = (e: unknown) => { logProblem(process.env, `hook crashed: ${(e as Error)?.stack ?? e}`); process.exit(0); };
  process.on('uncaughtException', quit);
  process.on('unhandledRejection', quit);
  const arg = process.argv[2];
  if (arg === 'flush') return backgroundFlush();
  let stdin: string;
  try {
    stdin = await readStdin();
  } catch (e) {
    logProblem(process.env, `hook ${arg ?? '?'}: ${(e as Error).message}`);
    process.exit(0);
  }
  const out = await runHook(arg, stdin, process.env);
  if (out) print(out + '\n');
}

main().catch(() => undefined).finally(() => { process.exitCode = 0; });
