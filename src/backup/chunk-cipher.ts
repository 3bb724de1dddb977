import { createCipheriv, createDecipheriv } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ArchiveError, chunkAad, chunkNonce, type ArchiveHeader } from './archive-format.js';

/**
 * Chunked AES-256-GCM. Each frame is `flag(1) | length(4) | ciphertext | tag(16)`; the flag marks the
 * last chunk and is authenticated (AAD), so a file cut at a frame boundary is reported as truncated
 * instead of restoring a prefix. One chunk is held back until the next arrives, because only the
 * end of the input says which chunk is the last.
 */
export function encryptStream(header: ArchiveHeader, key: Buffer): Transform {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let counter = 0;
  const seal = (plain: Buffer, final: boolean): Buffer => {
    const cipher = createCipheriv('aes-256-gcm', key, chunkNonce(header.noncePrefix, counter++));
    cipher.setAAD(chunkAad(header, final));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const prefix = Buffer.alloc(5);
    prefix[0] = final ? 1 : 0;
    prefix.writeUInt32BE(body.length, 1);
    return Buffer.concat([prefix, body, cipher.getAuthTag()]);
  };
  return new Transform({
    transform(data: Buffer, _enc, done: TransformCallback) {
      pending.push(data);
      pendingLength += data.length;
      if (pendingLength > header.chunkSize) {
        let all = Buffer.concat(pending);
        while (all.length > header.chunkSize) {
          this.push(seal(all.subarray(0, header.chunkSize), false));
          all = all.subarray(header.chunkSize);
        }
        pending = [all];
        pendingLength = all.length;
      }
      done();
    },
    flush(done: TransformCallback) {
      this.push(seal(Buffer.concat(pending), true));
      done();
    },
  });
}

/** The inverse of encryptStream; fails with an ArchiveError naming the chunk on any tampering, reordering or truncation. */
export function decryptStream(header: ArchiveHeader, key: Buffer): Transform {
  let buffered: Buffer = Buffer.alloc(0);
  let counter = 0;
  let finished = false;
  const maxFrame = header.chunkSize + 5 + 16;
  return new Transform({
    transform(data: Buffer, _enc, done: TransformCallback) {
      buffered = buffered.length ? Buffer.concat([buffered, data]) : data;
      try {
        while (buffered.length >= 5) {
          if (finished) throw new ArchiveError('corrupt backup: data after the last chunk');
          const final = buffered[0];
          const length = buffered.readUInt32BE(1);
          if (final > 1 || length + 21 > maxFrame) throw new ArchiveError(`corrupt backup: chunk ${counter} has an invalid frame`);
          if (buffered.length < 5 + length + 16) break;
          const body = buffered.subarray(5, 5 + length);
          const tag = buffered.subarray(5 + length, 5 + length + 16);
          const decipher = createDecipheriv('aes-256-gcm', key, chunkNonce(header.noncePrefix, counter));
          decipher.setAAD(chunkAad(header, final === 1));
          decipher.setAuthTag(tag);
          let plain: Buffer;
          try {
            plain = Buffer.concat([decipher.update(body), decipher.final()]);
          } catch {
            throw new ArchiveError(`corrupt backup: chunk ${counter} fails authentication (altered, reordered or from another archive)`);
          }
          counter++;
          finished = final === 1;
          buffered = buffered.subarray(5 + length + 16);
          this.push(plain);
        }
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done: TransformCallback) {
      if (!finished || buffered.length) done(new ArchiveError(`truncated backup: the file ends after chunk ${counter} without its last chunk`));
      else done();
    },
  });
}
