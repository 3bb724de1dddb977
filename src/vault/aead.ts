import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * One encrypted value as stored: `{ v, kid, nonce, ct, tag }` (base64), serialized as JSON text.
 * `kid` names the key that sealed it, so a reader finds the key without trying several.
 */
export interface Envelope {
  v: 1;
  kid: string;
  nonce: string;
  ct: string;
  tag: string;
}

/** A ciphertext that does not open: tampered, moved to another place, or sealed with another key. */
export class DecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptError';
  }
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

let decryptCalls = 0;
/** How many decryptions this process has attempted; tests and the benchmark show listing does none. */
export const decryptCount = (): number => decryptCalls;

/** AES-256-GCM with a fresh random 12-byte nonce per call; `aad` binds the ciphertext to its place. */
export function seal(key: Buffer, kid: string, plaintext: string | Buffer, aad: string): string {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([typeof plaintext === 'string' ? cipher.update(plaintext, 'utf8') : cipher.update(plaintext), cipher.final()]);
  const envelope: Envelope = { v: 1, kid, nonce: nonce.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  return JSON.stringify(envelope);
}

/** Parses a stored envelope; anything malformed is a DecryptError, never a crash or garbage. */
export function parseEnvelope(stored: string): Envelope {
  let e: Partial<Envelope>;
  try {
    e = JSON.parse(stored) as Partial<Envelope>;
  } catch {
    throw new DecryptError('the stored ciphertext is not a valid envelope');
  }
  if (!e || e.v !== 1 || typeof e.kid !== 'string' || typeof e.nonce !== 'string' || typeof e.ct !== 'string' || typeof e.tag !== 'string') {
    throw new DecryptError('the stored ciphertext is not a version 1 envelope');
  }
  return e as Envelope;
}

/**
 * Opens an envelope. The plaintext is returned only after GCM verified the tag over nonce, ciphertext
 * and AAD, so a flipped bit or a ciphertext moved to another row, field or client yields a DecryptError
 * and no partial output.
 */
export function open(key: Buffer, stored: string, aad: string): string {
  return openBytes(key, stored, aad).toString('utf8');
}

/** open() for binary plaintexts (wrapped data keys): the bytes, never passed through a string. */
export function openBytes(key: Buffer, stored: string, aad: string): Buffer {
  decryptCalls++;
  const e = parseEnvelope(stored);
  const nonce = Buffer.from(e.nonce, 'base64');
  const tag = Buffer.from(e.tag, 'base64');
  if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) throw new DecryptError('the stored ciphertext has a malformed nonce or tag');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    const parts = [decipher.update(Buffer.from(e.ct, 'base64'))];
    parts.push(decipher.final());
    return Buffer.concat(parts);
  } catch {
    throw new DecryptError('the ciphertext does not authenticate: it was altered, moved to another place, or sealed with another key');
  }
}
