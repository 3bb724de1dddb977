import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * A 256-bit key kept outside the database: from the given configured value, else from
 * `<home>/keys/<name>.key` (created 0600 on first use). Returns the raw key bytes.
 */
export function loadOrCreateKey(home: string, name: string, configured?: string): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  const dir = join(home, 'keys');
  const path = join(dir, `${name}.key`);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // Another process created it first: use theirs.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) chmodSync(path, 0o600);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length < 32) throw new Error(`${path} does not hold a 32-byte base64 key`);
  return key;
}
