import type { Kysely } from 'kysely';
import type { RequestContext } from '../../core/context.js';
import { inClientScope } from '../../entities/policy.js';

export interface HookScope { project_id: string | null; client_id: string | null; project_name: string | null }

/** `git@github.com:acme/portal.git`, `https://github.com/acme/portal` → `github.com/acme/portal`, so both spellings match. */
export function normalizeRemote(url: string): string {
  return url.trim().toLowerCase()
    .replace(/^[a-z+]+:\/\//, '').replace(/^[^@/]+@/, '').replace(/:(?!\d)/, '/')
    .replace(/\/+$/, '').replace(/\.git$/, '');
}

const basename = (p: string) => p.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? '';

/**
 * Which project a Claude Code session works on: the one given (a mode), else the project whose
 * repo_url is this git remote, whose local_path holds the cwd (the deepest), or whose slug is the
 * cwd's folder name. Its client comes with it. Projects outside the caller's client scope never match.
 */
export async function resolveScope(db: Kysely<any>, ctx: RequestContext, input: { cwd?: string; git_remote?: string; project_id?: string; client_id?: string }): Promise<HookScope> {
  const pick = async (where: (q: any) => any) => {
    const rows = await where(db.selectFrom('projects').select(['id', 'client_id', 'name', 'local_path', 'repo_url', 'slug'])).execute();
    return (rows as Record<string, string | null>[]).filter((r) => inClientScope(ctx, r.client_id));
  };
  const found = (r: Record<string, string | null> | undefined, clientId?: string | null): HookScope | null =>
    r ? { project_id: r.id!, client_id: r.client_id ?? clientId ?? null, project_name: r.name } : null;

  // A client named by the caller counts only when it exists and is in the caller's scope (else: as not found).
  const givenClient = async () => {
    if (!input.client_id || !inClientScope(ctx, input.client_id)) return null;
    const known = await db.selectFrom('clients').select('id').where('id', '=', input.client_id).executeTakeFirst();
    return known ? input.client_id : null;
  };
  if (input.project_id) {
    const [r] = await pick((q) => q.where('id', '=', input.project_id));
    return found(r) ?? { project_id: null, client_id: await givenClient(), project_name: null };
  }
  if (input.client_id) return { project_id: null, client_id: await givenClient(), project_name: null };

  if (input.git_remote) {
    const want = normalizeRemote(input.git_remote);
    const hit = (await pick((q) => q.where('repo_url', 'is not', null))).find((r) => normalizeRemote(r.repo_url!) === want);
    if (hit) return found(hit)!;
  }
  if (input.cwd) {
    const cwd = input.cwd.replace(/[\\/]+$/, '');
    const holders = (await pick((q) => q.where('local_path', 'is not', null)))
      .filter((r) => { const p = r.local_path!.replace(/[\\/]+$/, ''); return cwd === p || cwd.startsWith(`${p}/`) || cwd.startsWith(`${p}\\`); })
      .sort((a, b) => b.local_path!.length - a.local_path!.length);
    if (holders[0]) return found(holders[0])!;
    const slug = basename(cwd).toLowerCase();
    if (slug) {
      const [bySlug] = await pick((q) => q.where('slug', '=', slug));
      if (bySlug) return found(bySlug)!;
    }
  }
  return { project_id: null, client_id: null, project_name: null };
}
