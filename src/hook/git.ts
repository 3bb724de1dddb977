import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export interface GitInfo { root?: string; branch?: string; remote?: string }

/**
 * Branch and origin URL read from `.git` directly (running `git` costs more than the whole hook).
 * Handles worktrees and submodules, where `.git` is a file naming the real directory.
 */
export function gitInfo(cwd: string): GitInfo {
  try {
    let dir = resolve(cwd);
    for (let i = 0; i < 40; i++) {
      const dotGit = join(dir, '.git');
      if (existsSync(dotGit)) return readGit(dir, dotGit);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  } catch { /* not a repository we can read */ }
  return {};
}

function readGit(root: string, dotGit: string): GitInfo {
  let gitDir = dotGit;
  if (statSync(dotGit).isFile()) {
    const m = /gitdir:\s*(.+)/.exec(readFileSync(dotGit, 'utf8'));
    if (!m) return { root };
    gitDir = isAbsolute(m[1]!.trim()) ? m[1]!.trim() : resolve(root, m[1]!.trim());
  }
  const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  const branch = head.startsWith('ref: refs/heads/') ? head.slice('ref: refs/heads/'.length) : undefined;
  let common = gitDir;
  try { common = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim()); } catch { /* not a worktree */ }
  let remote: string | undefined;
  try {
    const config = readFileSync(join(common, 'config'), 'utf8');
    const section = /\[remote "origin"\]([^[]*)/.exec(config);
    const url = section ? /url\s*=\s*(.+)/.exec(section[1]!)?.[1]?.trim() : undefined;
    remote = url ? withoutUserinfo(url) : undefined;
  } catch { /* no config */ }
  return { root, branch, remote };
}

/** The per-project opt-out: a `.claudetools-ignore` file in the working directory or any folder above it. */
export function optedOut(cwd: string | undefined): boolean {
  if (!cwd) return false;
  let dir = resolve(cwd);
  for (let i = 0; i < 40; i++) {
    if (existsSync(join(dir, '.claudetools-ignore'))) return true;
    const up = dirname(dir);
    if (up === dir) return false;
    dir = up;
  }
  return false;
}

/**
 * `https://user:TOKEN@host/x` → `https://host/x`: a remote URL may carry credentials, which must never be
 * spooled or sent. The scp form (`git@host:x`) names only the ssh user and is kept.
 */
export const withoutUserinfo = (url: string) => url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
