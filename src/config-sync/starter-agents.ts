import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEMPLATES = fileURLToPath(new URL('../../templates/agents/', import.meta.url));

/**
 * Installs the starter agent definitions (coding, code review, database, backup) into
 * `<claude dir>/agents/`, for `setup` (or `sync install-agents`). An existing file of the same name is
 * never overwritten: it may hold the user's own edits. Returns the files installed and skipped.
 */
export function installStarterAgents(dir: string): { installed: string[]; skipped: string[] } {
  const target = join(dir, 'agents');
  mkdirSync(target, { recursive: true });
  const installed: string[] = [], skipped: string[] = [];
  for (const name of readdirSync(TEMPLATES).filter((n) => n.endsWith('.md')).sort()) {
    if (existsSync(join(target, name))) skipped.push(`agents/${name}`);
    else {
      copyFileSync(join(TEMPLATES, name), join(target, name));
      installed.push(`agents/${name}`);
    }
  }
  return { installed, skipped };
}
