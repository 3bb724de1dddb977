import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { logsDir, type Env } from './env.js';

const MAX_LOG_BYTES = 1024 * 1024;

/**
 * Hooks must never print where Claude would read it, so problems go to `~/.claudetools/logs/hook.log`
 * (one line each, kept under a megabyte by rotating once). Logging itself never throws.
 */
export function logProblem(env: Env, message: string): void {
  try {
    const dir = logsDir(env);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'hook.log');
    try {
      if (statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
    } catch { /* no log yet */ }
    appendFileSync(file, `${new Date().toISOString()} ${message.replace(/\s+/g, ' ').slice(0, 2000)}\n`, { mode: 0o600 });
  } catch { /* nowhere left to report to */ }
}
