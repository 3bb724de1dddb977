import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** Strict base64 (what `openssl rand -base64 32` and the key files hold) of at least 32 bytes. */
export function isBase64Key(text: string): boolean {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(t) || t.length % 4 !== 0) return false;
  return Buffer.from(t, 'base64').length >= 32;
}

/**
 * A 256-bit key kept outside the database: from the given configured value, else from
 * `<home>/keys/<name>.key` (created 0600 on first use). Returns the raw key bytes.
 * `configured` is taken as UTF-8 text, or with `configuredAs: 'base64'` decoded like the file (the master key:
 * copying master.key into the variable gives the same key).
 */
export function loadOrCreateKey(home: string, name: string, configured?: string, configuredAs: 'utf8' | 'base64' = 'utf8'): Buffer {
  if (configured) {
    if (configuredAs === 'utf8') return Buffer.from(configured, 'utf8');
    if (!isBase64Key(configured)) throw new Error(`the configured ${name} key must be base64 of at least 32 random bytes, like <home>/keys/${name}.key`);
    return Buffer.from(configured.trim(), 'base64');
  }
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
