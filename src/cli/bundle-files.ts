import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Every .ts file under `dir`. */
export function typeScriptUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts')).map((d) => join(d.parentPath, d.name));
}

/** Whether `file` exists and none of `sources` is newer than it. */
export function builtAfter(file: string, sources: readonly string[]): boolean {
  if (!existsSync(file)) return false;
  const built = statSync(file).mtimeMs;
  return sources.every((s) => statSync(s).mtimeMs <= built);
}

/** Writes a bundle under a private name and renames it into place: two builds at once (parallel tests, two setups) never mix. */
export function replaceFile(file: string, contents: Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}
