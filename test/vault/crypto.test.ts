import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { credentialAad, dataKeyAad } from '../../src/vault/aad.js';
import { unwrapDataKey, VaultKeyError, wrapDataKey } from '../../src/modules/vault/keyring.js';
import { DecryptError, decryptCount, open, openBytes, parseEnvelope, seal } from '../../src/vault/aead.js';
import { deriveMasterKey, matchesKeyCheck } from '../../src/vault/master-key.js';
import { SECRET_FIELDS } from '../../src/modules/vault/entity.js';
import { openSecrets, sealSecrets } from '../../src/modules/vault/secrets.js';

const key = randomBytes(32);
const kid = '01900000-0000-7000-8000-000000000001';
const client = '01900000-0000-7000-8000-0000000000c1';
const cred = '01900000-0000-7000-8000-0000000000a1';
const aad = credentialAad(client, cred, 'password', kid, 1);

/** Flips one bit of one base64 part of an envelope. */
function flip(stored: string, part: 'nonce' | 'ct' | 'tag'): string {
  const e = parseEnvelope(stored);
  const bytes = Buffer.from(e[part], 'base64');
  bytes[0] ^= 0x01;
  return JSON.stringify({ ...e, [part]: bytes.toString('base64') });
}

describe('AES-256-GCM envelopes', () => {
  it('round-trips every secret field, unicode and long values included', () => {
    const secrets = Object.fromEntries(SECRET_FIELDS.map((f, i) => [f, `${f}-välue-🔑-${'x'.repeat(i * 1000)}`]));
    const place = { client_id: client, credential_id: cred, version: 1 };
    const sealed = sealSecrets(key, kid, place, secrets);
    expect(Object.keys(sealed).sort()).toEqual(SECRET_FIELDS.map((f) => `${f}_enc`).sort());
    for (const v of Object.values(sealed)) for (const s of Object.values(secrets)) expect(v).not.toContain(s);
    expect(openSecrets(key, kid, place, sealed)).toEqual(secrets);
  });

  it('stores { v, kid, nonce, ct, tag } with a fresh 12-byte nonce: two encryptions of one value differ', () => {
    const a = seal(key, kid, 'same secret', aad);
    const b = seal(key, kid, 'same secret', aad);
    expect(a).not.toBe(b);
    const ea = parseEnvelope(a);
    expect(Object.keys(ea).sort()).toEqual(['ct', 'kid', 'nonce', 'tag', 'v']);
    expect(Buffer.from(ea.nonce, 'base64')).toHaveLength(12);
    expect(Buffer.from(ea.tag, 'base64')).toHaveLength(16);
    expect(ea.nonce).not.toBe(parseEnvelope(b).nonce);
    expect(open(key, a, aad)).toBe('same secret');
    expect(open(key, b, aad)).toBe('same secret');
  });

  it.each(['nonce', 'ct', 'tag'] as const)('refuses a flipped bit in the %s with a clear error and no output', (part) => {
    const stored = seal(key, kid, 'hunter2-correct-horse', aad);
    let out: string | undefined;
    expect(() => { out = open(key, flip(stored, part), aad); }).toThrow(DecryptError);
    expect(() => open(key, flip(stored, part), aad)).toThrow(/does not authenticate/);
    expect(out).toBeUndefined();
  });

  it('refuses a ciphertext moved to another row, field, client, key id or secret version', () => {
    const stored = seal(key, kid, 'hunter2', aad);
    for (const other of [
      credentialAad(client, '01900000-0000-7000-8000-0000000000a2', 'password', kid, 1),
      credentialAad(client, cred, 'api_key', kid, 1),
      credentialAad('01900000-0000-7000-8000-0000000000c2', cred, 'password', kid, 1),
      credentialAad(null, cred, 'password', kid, 1),
      credentialAad(client, cred, 'password', '01900000-0000-7000-8000-000000000002', 1),
      credentialAad(client, cred, 'password', kid, 2),
    ]) expect(() => open(key, stored, other)).toThrow(DecryptError);
    expect(() => open(randomBytes(32), stored, aad)).toThrow(DecryptError);
  });

  it('wraps data keys as raw bytes: 32 bytes in, the same 32 bytes out, never a string in between', () => {
    const master = deriveMasterKey(randomBytes(32));
    const dek = randomBytes(32);
    const row = { id: kid, scope: client, version: 3, wrapped: wrapDataKey(master, client, 3, kid, dek) };
    expect(openBytes(master.key, row.wrapped, dataKeyAad(client, 3, kid))).toHaveLength(32);
    expect(unwrapDataKey(master, row).equals(dek)).toBe(true);
    expect(() => unwrapDataKey(master, { ...row, version: 4 })).toThrow(VaultKeyError);
    // A wrapped value that is not a 32-byte key (e.g. the old base64 text form) is refused, not used.
    const text = { ...row, wrapped: seal(master.key, 'kek', dek.toString('base64'), dataKeyAad(client, 3, kid)) };
    expect(() => unwrapDataKey(master, text)).toThrow(VaultKeyError);
  });

  it('refuses malformed envelopes cleanly', () => {
    for (const bad of ['', 'not json', '{}', '{"v":2,"kid":"k","nonce":"","ct":"","tag":""}', JSON.stringify({ v: 1, kid, nonce: 'AAAA', ct: '', tag: 'AAAA' })]) {
      expect(() => open(key, bad, aad)).toThrow(DecryptError);
    }
  });

  it('counts decryptions (the listing tests rely on it)', () => {
    const stored = seal(key, kid, 'x', aad);
    const before = decryptCount();
    open(key, stored, aad);
    expect(decryptCount()).toBe(before + 1);
  });
});

describe('master key', () => {
  it('derives a 256-bit key and a key-check value that recognizes it without revealing it', () => {
    const secret = randomBytes(32);
    const m = deriveMasterKey(secret);
    expect(m.key).toHaveLength(32);
    expect(m.key.equals(secret)).toBe(false);
    expect(m.keyCheck).toMatch(/^[0-9a-f]{64}$/);
    expect(m.keyCheck).not.toContain(secret.toString('hex'));
    expect(matchesKeyCheck(m, deriveMasterKey(Buffer.from(secret)).keyCheck)).toBe(true);
    expect(matchesKeyCheck(m, deriveMasterKey(randomBytes(32)).keyCheck)).toBe(false);
    expect(() => deriveMasterKey(randomBytes(16))).toThrow(/32 bytes/);
  });
});
