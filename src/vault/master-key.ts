import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * The root key (KEK), derived with HKDF-SHA256 from the configured secret: 32+ random bytes, given as base64 in
 * CLAUDETOOLS_MASTER_KEY or the 0600 key file (passphrases are refused by the config, so the stored key-check
 * value cannot be used to guess a weak secret offline).
 */
export interface MasterKey {
  key: Buffer;
  /** HMAC of a fixed label under the key: stored in the database to recognize the key, never the key itself. */
  keyCheck: string;
  /** A short, printable form of keyCheck for status output and envelope kids. */
  fingerprint: string;
}

const SALT = 'claudetools/vault/v1';
const CHECK_LABEL = 'claudetools vault key check v1';

export function deriveMasterKey(secret: Buffer): MasterKey {
  if (secret.length < 32) throw new Error('the master key must be at least 32 bytes');
  const key = Buffer.from(hkdfSync('sha256', secret, SALT, 'kek', 32));
  const keyCheck = createHmac('sha256', key).update(CHECK_LABEL).digest('hex');
  return { key, keyCheck, fingerprint: keyCheck.slice(0, 16) };
}

/** Constant-time comparison of a stored key-check value with this key's. */
export function matchesKeyCheck(master: MasterKey, stored: string): boolean {
  const a = Buffer.from(master.keyCheck, 'utf8');
  const b = Buffer.from(stored, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
