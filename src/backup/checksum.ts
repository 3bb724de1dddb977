import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ArchiveError } from './archive-format.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export const sidecarPath = (path: string) => `${path}.sha256`;

/** `<hex>  <name>`: the sha256sum format, so `sha256sum -c` checks an archive without ClaudeTools. */
export function writeSidecar(path: string, sha256: string): void {
  writeFileSync(sidecarPath(path), `${sha256}  ${basename(path)}\n`);
}

/**
 * Compares the archive with its sidecar. Returns the digest; throws a clear ArchiveError on a
 * mismatch. Without a sidecar the chunk authentication still catches any change, so it is not fatal.
 */
export async function verifyChecksum(path: string): Promise<{ sha256: string; sidecar: boolean }> {
  const sha256 = await sha256File(path);
  if (!existsSync(sidecarPath(path))) return { sha256, sidecar: false };
  const expected = readFileSync(sidecarPath(path), 'utf8').trim().split(/\s+/)[0]?.toLowerCase();
  if (expected !== sha256) {
    throw new ArchiveError(`checksum mismatch: ${basename(path)} is corrupt or truncated (sha256 ${sha256}, expected ${expected})`);
  }
  return { sha256, sidecar: true };
}
