import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The plaintext header of an archive, fixed length so it can be read and checked before anything is
 * decrypted: magic, format version, a per-file KDF salt, the nonce prefix, a key-check value and the
 * chunk size. Every chunk's AAD includes these bytes, so editing the header breaks every chunk.
 */
export const MAGIC = Buffer.from('CTBACKUP', 'ascii');
export const FORMAT_VERSION = 1;
export const HEADER_LENGTH = MAGIC.length + 1 + 16 + 4 + 16 + 4;
export const CHUNK_SIZE = 64 * 1024;

export interface ArchiveHeader {
  bytes: Buffer;
  salt: Buffer;
  noncePrefix: Buffer;
  keyCheck: Buffer;
  chunkSize: number;
}

/**
 * Per-file keys from the backup key: a fresh salt per archive means a fresh AES key per archive,
 * so the nonce counter never repeats under one key even if two archives share a nonce prefix.
 */
function deriveKeys(backupKey: Buffer, salt: Buffer) {
  const okm = Buffer.from(hkdfSync('sha256', backupKey, salt, 'claudetools backup v1', 64));
  return { encKey: okm.subarray(0, 32), checkKey: okm.subarray(32) };
}

const keyCheckOf = (checkKey: Buffer) => createHmac('sha256', checkKey).update('claudetools backup key check').digest().subarray(0, 16);

export function newHeader(backupKey: Buffer, chunkSize = CHUNK_SIZE): { header: ArchiveHeader; encKey: Buffer } {
  const salt = randomBytes(16);
  const noncePrefix = randomBytes(4);
  const { encKey, checkKey } = deriveKeys(backupKey, salt);
  const keyCheck = keyCheckOf(checkKey);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(chunkSize);
  const bytes = Buffer.concat([MAGIC, Buffer.from([FORMAT_VERSION]), salt, noncePrefix, keyCheck, size]);
  return { header: { bytes, salt, noncePrefix, keyCheck, chunkSize }, encKey };
}

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/** Parses a header; throws a clear ArchiveError for a file that is not an archive or a newer format. */
export function parseHeader(bytes: Buffer): ArchiveHeader {
  if (bytes.length < HEADER_LENGTH || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ArchiveError('not a ClaudeTools backup (bad magic or file too short)');
  }
  const version = bytes[MAGIC.length];
  if (version !== FORMAT_VERSION) throw new ArchiveError(`backup format ${version} is not supported (this version reads ${FORMAT_VERSION})`);
  let at = MAGIC.length + 1;
  const take = (n: number) => bytes.subarray(at, (at += n));
  const salt = take(16), noncePrefix = take(4), keyCheck = take(16);
  const chunkSize = take(4).readUInt32BE();
  if (chunkSize < 1024 || chunkSize > 16 * 1024 * 1024) throw new ArchiveError(`corrupt header: chunk size ${chunkSize}`);
  return { bytes: Buffer.from(bytes.subarray(0, HEADER_LENGTH)), salt, noncePrefix, keyCheck, chunkSize };
}

/** Checks the backup key against the header's key-check value: a wrong key is reported before decrypting anything. */
export function unlockHeader(header: ArchiveHeader, backupKey: Buffer): Buffer {
  const { encKey, checkKey } = deriveKeys(backupKey, header.salt);
  if (!timingSafeEqual(keyCheckOf(checkKey), header.keyCheck)) {
    throw new ArchiveError('wrong backup key: this archive was made with another key (CLAUDETOOLS_BACKUP_KEY or <home>/keys/backup.key)');
  }
  return encKey;
}

/** nonce = 4-byte random prefix || 8-byte chunk counter: unique per chunk, and reordering chunks fails to decrypt. */
export function chunkNonce(prefix: Buffer, counter: number): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeBigUInt64BE(BigInt(counter), 4);
  return nonce;
}

/** AAD = header || final flag: a chunk cannot move to another archive, and dropping the last chunk is detected. */
export const chunkAad = (header: ArchiveHeader, final: boolean) => Buffer.concat([header.bytes, Buffer.from([final ? 1 : 0])]);
