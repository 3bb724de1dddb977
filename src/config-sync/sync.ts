import type { ApiClient } from '../cli/api-client.js';
import { CliError } from '../cli/output.js';
import { containsSecret } from '../memory/redact.js';
import { applyPull } from './apply.js';
import { hashText, readLocalFiles, readState, writeState } from './local-files.js';
import { planPull, type PullPlan } from './plan.js';

interface Latest { version: number; files: Record<string, string>; created_at: string }

async function latestOnServer(api: ApiClient): Promise<Latest | null> {
  try {
    return await api.get<Latest>('/api/config-sync/versions/latest');
  } catch (e) {
    if (e instanceof CliError && e.message.startsWith('404')) return null;
    throw e;
  }
}

/**
 * Uploads this machine's configuration as a new version. Refuses, before sending anything, a file
 * holding a secret; the server refuses a push made from an old version (pull first), unless `force`
 * (this machine's files win).
 */
export async function pushConfig(api: ApiClient, dir: string, { force = false } = {}): Promise<{ version: number; files: number } | null> {
  const local = readLocalFiles(dir);
  const secrets = Object.keys(local).filter((p) => containsSecret(local[p]));
  if (secrets.length) throw new CliError(`refusing to push: ${secrets.join(', ')} ${secrets.length > 1 ? 'hold' : 'holds'} what looks like a secret (token, key or password); remove it first`);
  const state = readState(dir);
  const unchanged = state.version !== null && Object.keys(local).length === Object.keys(state.files).length
    && Object.entries(local).every(([p, t]) => state.files[p] === hashText(t));
  if (unchanged && !force) return null;
  const base = force ? (await latestOnServer(api))?.version ?? null : state.version;
  const pushed = await api.post<{ version: number; file_count: number }>('/api/config-sync/versions', { base_version: base, files: local });
  writeState(dir, pushed.version, local);
  return { version: pushed.version, files: pushed.file_count };
}

/**
 * Brings the server's newest version here: creates, updates and removes what changed only on the
 * server (each replaced file backed up first), keeps what changed only here, and shows conflicts
 * without touching them. With conflicts left, the sync point does not move, so a push stays refused
 * until they are resolved (`--theirs` takes the server's text; `push --force` keeps this machine's).
 */
export async function pullConfig(api: ApiClient, dir: string, { takeTheirs = false, dryRun = false } = {}): Promise<{ version: number; plan: PullPlan; backupDir: string | null } | null> {
  const latest = await latestOnServer(api);
  if (!latest) return null;
  const plan = planPull(readState(dir), readLocalFiles(dir), latest.files);
  if (dryRun) return { version: latest.version, plan, backupDir: null };
  const backupDir = applyPull(dir, plan, latest.files, { takeTheirs });
  if (!plan.conflicts.length || takeTheirs) writeState(dir, latest.version, latest.files);
  return { version: latest.version, plan, backupDir };
}
