export type FileChangeKind = 'created' | 'modified' | 'deleted' | 'renamed';

export interface FileChange {
  /** The file's path; a rename may be written "old/path -> new/path" (or "→"). */
  path: string;
  kind?: FileChangeKind;
  lines_added?: number;
  lines_removed?: number;
}

/** Forward slashes, no leading "./", no trailing slash. */
export function normalizePath(path: string): string {
  return path.trim().replace(/\\/g, '/').replace(/\/{2,}/g, '/').replace(/^(?:\.\/)+/, '').replace(/(.)\/$/, '$1');
}

/** `[directory with trailing "/" or "" for the top level, file name]`. */
export function splitPath(path: string): [string, string] {
  const p = normalizePath(path);
  const slash = p.lastIndexOf('/');
  return slash < 0 ? ['', p] : [p.slice(0, slash + 1), p.slice(slash + 1)];
}

/**
 * Paths grouped by directory as "dir/: a.ts, b.ts; other/: c.ts", directories and files in order of first
 * appearance, duplicates dropped; top-level files come as "./: name". `label` renders one file name.
 */
export function groupByDirectory<T>(items: readonly T[], pathOf: (item: T) => string, label: (name: string, item: T) => string): string {
  const groups = new Map<string, string[]>();
  for (const item of items) {
    const [dir, name] = splitPath(pathOf(item));
    if (!name) continue;
    const key = dir || './';
    const list = groups.get(key) ?? [];
    const text = label(name, item);
    if (!list.includes(text)) list.push(text);
    groups.set(key, list);
  }
  return [...groups.entries()].map(([dir, names]) => `${dir}: ${names.join(', ')}`).join('; ');
}

const SIGN: Record<FileChangeKind, string> = { created: '+', modified: '~', deleted: '-', renamed: '>' };

interface Merged { path: string; from: string | null; kind: FileChangeKind; added?: number; removed?: number }

/**
 * Files touched, grouped by directory with compact change kinds: "+" created, "~" modified, "-" deleted,
 * ">" renamed (with "(from old/name)"), line counts "(+40/-3)" when given, e.g.
 * `src/memory/: +tags.ts, ~compress.ts (+40/-3); test/: +tags.test.ts`.
 * Repeated paths merge: counts add up; created stays created unless last deleted; deleted wins when last.
 * Every file name (and a rename's old path) stays in the text, so a touched file remains searchable.
 */
export function compressFileChanges(changes: ReadonlyArray<FileChange>): string {
  const merged = new Map<string, Merged>();
  for (const change of changes) {
    const [fromRaw, toRaw] = change.path.split(/\s*(?:->|→|=>)\s*/);
    const path = normalizePath(toRaw ?? fromRaw ?? '');
    if (!path) continue;
    const from = toRaw !== undefined && fromRaw ? normalizePath(fromRaw) : null;
    const kind: FileChangeKind = change.kind ?? (from ? 'renamed' : 'modified');
    const prev = merged.get(path);
    const add = (a?: number, b?: number) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));
    if (!prev) { merged.set(path, { path, from, kind, added: change.lines_added, removed: change.lines_removed }); continue; }
    prev.added = add(prev.added, change.lines_added);
    prev.removed = add(prev.removed, change.lines_removed);
    prev.from ??= from;
    if (kind === 'deleted') prev.kind = 'deleted';
    else if (prev.kind === 'deleted') prev.kind = kind === 'created' ? 'created' : 'modified';
    else if (prev.kind !== 'created' && kind !== 'modified') prev.kind = kind;
  }
  return groupByDirectory([...merged.values()], (m) => m.path, (name, m) => {
    let label = `${SIGN[m.kind]}${name}`;
    if (m.from) {
      const [fromDir, fromName] = splitPath(m.from);
      label += ` (from ${fromDir === splitPath(m.path)[0] ? fromName : m.from})`;
    }
    if (m.added !== undefined || m.removed !== undefined) label += ` (+${m.added ?? 0}/-${m.removed ?? 0})`;
    return label;
  });
}
