import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { serverBundleIsFresh, serverNodeArgs } from './server-bundle.js';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `claudetools serve`: runs the server exactly as `npm start` does, the bundle in its own `node` process with
 * the server's V8 flags (SERVER_NODE_FLAGS), rather than in this process: the CLI runs under tsx (a TypeScript
 * loader and compiler the server does not need) and V8's heap flags can only be given when a process starts.
 * Output is the server's own; a signal sent to this process is passed on (a terminal's Ctrl-C reaches both,
 * which the server takes as one), and this process exits as the server did. bin/claudetools.js calls this
 * without loading the rest of the CLI, so the waiting process stays small (~35 MB of its own memory).
 */
export async function serve(): Promise<number> {
  const rebuilding = !serverBundleIsFresh();
  const args = await serverNodeArgs();
  // A build leaves esbuild's service process running (~35 MB), which would otherwise stay as long as this one.
  if (rebuilding) await (await import('esbuild')).stop();
  // An IPC channel besides the output: if this process dies without passing a signal on (SIGKILL, a crash),
  // the channel closes and the server shuts itself down instead of running on, orphaned.
  const child = spawn(process.execPath, args, { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  const forward = (signal: NodeJS.Signals) => { child.kill(signal); };
  for (const signal of FORWARDED) process.on(signal, forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    for (const signal of FORWARDED) process.off(signal, forward);
  }
}
