import { hashText, type SyncState } from './local-files.js';

export interface PullPlan {
  create: string[];
  update: string[];
  remove: string[];
  /** Changed here and on the server since the last sync: shown, never overwritten. */
  conflicts: string[];
  /** Changed here only: kept, for the next push. */
  localOnly: string[];
}

/**
 * The three-way plan of a pull, per file: base (the hash at the last sync), local, remote.
 * Remote changed and local not: take the server's. Local changed and remote not: keep. Both changed
 * to different texts: a conflict. Before any sync there is no base, so a local file that differs
 * from the server's is a conflict too; files only here are kept.
 */
export function planPull(state: SyncState, local: Record<string, string>, remote: Record<string, string>): PullPlan {
  const plan: PullPlan = { create: [], update: [], remove: [], conflicts: [], localOnly: [] };
  const paths = [...new Set([...Object.keys(local), ...Object.keys(remote), ...Object.keys(state.files)])].sort();
  for (const path of paths) {
    const base = state.files[path] ?? null;
    const mine = path in local ? hashText(local[path]) : null;
    const theirs = path in remote ? hashText(remote[path]) : null;
    if (mine === theirs) continue;
    const localChanged = mine !== base;
    const remoteChanged = theirs !== base;
    if (remoteChanged && !localChanged) {
      if (theirs === null) plan.remove.push(path);
      else if (mine === null) plan.create.push(path);
      else plan.update.push(path);
    } else if (localChanged && !remoteChanged) plan.localOnly.push(path);
    else if (theirs === null && base === null) plan.localOnly.push(path);
    else plan.conflicts.push(path);
  }
  return plan;
}
