import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pipeline as pipelineCb } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { HEADER_LENGTH, newHeader, parseHeader, unlockHeader, type ArchiveHeader } from './archive-format.js';
import { decryptStream, encryptStream } from './chunk-cipher.js';
import { fromNdjson, toNdjson } from './ndjson.js';
import type { BackupRecord } from './records.js';

/**
 * Writes records as an archive: header, then NDJSON -> gzip -> chunked AES-GCM, through streams
 * with backpressure (the snapshot is only read as fast as the disk takes it). Returns the file's
 * sha256 and size, computed on the way out rather than by reading the file again.
 */
export async function writeArchive(records: AsyncIterable<BackupRecord>, path: string, backupKey: Buffer, opts: { chunkSize?: number } = {}): Promise<{ sha256: string; size: number }> {
  const { header, encKey } = newHeader(backupKey, opts.chunkSize);
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    Readable.from(toNdjson(records)),
    // Level 6 (the default) would make gzip the slowest stage; 4 keeps most of the ratio.
    createGzip({ level: 4 }),
    encryptStream(header, encKey),
    async function* (chunks: AsyncIterable<Buffer>) {
      yield header.bytes;
      for await (const c of chunks) yield c;
    },
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const c of chunks) {
        hash.update(c);
        size += c.length;
        yield c;
      }
    },
    createWriteStream(path, { mode: 0o600 }),
  );
  return { sha256: hash.digest('hex'), size };
}

/** Reads and checks the header: a file that is not an archive, or a wrong key, fails here before any decryption. */
export async function openArchive(path: string, backupKey: Buffer): Promise<{ header: ArchiveHeader; key: Buffer }> {
  const handle = await open(path, 'r');
  try {
    const bytes = Buffer.alloc(HEADER_LENGTH);
    const { bytesRead } = await handle.read(bytes, 0, HEADER_LENGTH, 0);
    const header = parseHeader(bytes.subarray(0, bytesRead));
    return { header, key: unlockHeader(header, backupKey) };
  } finally {
    await handle.close();
  }
}

/** The archive's records, decrypted and decompressed as they are pulled; any tampering surfaces as an error mid-iteration. */
export async function readArchive(path: string, backupKey: Buffer): Promise<AsyncGenerator<BackupRecord>> {
  const { header, key } = await openArchive(path, backupKey);
  const gunzip = createGunzip();
  // Errors anywhere destroy every stream with that error, so the consumer's iteration throws it.
  pipelineCb(createReadStream(path, { start: HEADER_LENGTH, highWaterMark: header.chunkSize + 21 }), decryptStream(header, key), gunzip, () => {});
  return fromNdjson(gunzip);
}
