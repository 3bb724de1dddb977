import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PullPlan } from './plan.js';

/**
 * Writes a pull plan into `dir`. Every file it replaces or removes is first copied to
 * `<dir>/.claudetools-sync-backups/<time>/`, so a pull can always be undone by hand.
 * `takeTheirs` also resolves conflicts with the server's text (the local one backed up).
 */
export function applyPull(dir: string, plan: PullPlan, remote: Record<string, string>, { takeTheirs = false } = {}): string | null {
  const backupDir = join(dir, '.claudetools-sync-backups', new Date().toISOString().replace(/[:.]/g, '-'));
  let backedUp = false;
  const backup = (path: string) => {
    if (!existsSync(join(dir, path))) return;
    mkdirSync(dirname(join(backupDir, path)), { recursive: true });
    copyFileSync(join(dir, path), join(backupDir, path));
    backedUp = true;
  };
  const writes = [...plan.create, ...plan.update, ...(takeTheirs ? plan.conflicts.filter((p) => p in remote) : [])];
  const removals = [...plan.remove, ...(takeTheirs ? plan.conflicts.filter((p) => !(p in remote)) : [])];
  for (const path of writes) {
    backup(path);
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), remote[path]);
  }
  for (const path of removals) {
    backup(path);
    rmSync(join(dir, path), { force: true });
  }
  return backedUp ? backupDir : null;
}
