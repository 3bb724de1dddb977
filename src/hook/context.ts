import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection, Env, HookConfig } from './env.js';
import { spoolDir } from './env.js';
import type { HookInput } from './input.js';
import { requireBuiltin } from './builtins.js';
import { pendingFiles } from './spool.js';
import type { SessionState } from './state.js';

export interface HookContext {
  env: Env;
  config: HookConfig & Connection;
  input: HookInput;
  /** Now, by this machine's clock; every spooled write carries it. */
  at: string;
}

export type Handler = (ctx: HookContext) => Promise<string | void>;

/** The project and client saves and recalls are scoped to: the mode wins, else what the session start detected. */
export function scopeOf(config: HookConfig, state: SessionState | null): { project_id?: string; client_id?: string } {
  if (config.mode?.kind === 'msp') return { client_id: config.mode.client_id };
  if (config.mode?.kind === 'dev') return { project_id: config.mode.project_id };
  return { ...(state?.project_id ? { project_id: state.project_id } : {}), ...(state?.client_id ? { client_id: state.client_id } : {}) };
}

export const serverMode = (config: HookConfig) => (config.mode?.kind === 'msp' ? 'msp' : config.mode?.kind === 'dev' ? 'development' : 'normal');

export const FLUSH_LOCK = '.flush.lock';
const LOCK_FRESH_MS = 30_000;

/**
 * Delivers the spool in a detached background process, so a hook with a tight budget (a prompt, a session
 * end) returns at once. Skipped when nothing waits or another background flush is running. Synchronous:
 * the child is started (or not) when it returns, and it never throws.
 */
export function spawnFlusher(env: Env): void {
  try {
    if (!pendingFiles(env).length) return;
    const lock = join(spoolDir(env), FLUSH_LOCK);
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs < LOCK_FRESH_MS) return;
    const script = process.argv[1];
    if (!script) return;
    // Loaded here, not at start: most prompts have nothing to flush.
    const { spawn } = requireBuiltin<typeof import('node:child_process')>('node:child_process');
    spawn(process.execPath, [script, 'flush', '--background'], { detached: true, stdio: 'ignore', env }).unref();
  } catch { /* the next hook tries again */ }
}

/** The JSON form Claude Code reads for SessionStart and UserPromptSubmit, well under its 10,000-character cap. */
export function additionalContext(event: 'SessionStart' | 'UserPromptSubmit', text: string): string {
  if (!text.trim()) return '';
  const capped = text.length > 9000 ? `${text.slice(0, 9000)}\n…` : text;
  return JSON.stringify({ hookSpecificOutput: { hookEventName: event, additionalContext: capped } });
}
