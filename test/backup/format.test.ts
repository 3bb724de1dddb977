import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HEADER_LENGTH, newHeader, parseHeader, unlockHeader } from '../../src/backup/archive-format.js';
import { decryptStream, encryptStream } from '../../src/backup/chunk-cipher.js';
import { deferredColumns, insertOrder } from '../../src/backup/table-order.js';
import { kindOf, toPortable } from '../../src/backup/values.js';

const collect = async (stream: NodeJS.ReadableStream) => {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

/** Frames of an encrypted payload: [flag][len][ct][tag] each. */
function frames(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length;) {
    const len = body.readUInt32BE(at + 1);
    out.push(body.subarray(at, at + 5 + len + 16));
    at += 5 + len + 16;
  }
  return out;
}

describe('chunked AES-256-GCM', () => {
  const key = randomBytes(32);
  const plain = randomBytes(10_000);
  async function sealed() {
    const { header, encKey } = newHeader(key, 1024);
    const body = await collect(Readable.from([plain]).pipe(encryptStream(header, encKey)));
    return { header, body };
  }
  const open = (headerBytes: Buffer, body: Buffer) => {
    const header = parseHeader(headerBytes);
    return collect(Readable.from([body]).pipe(decryptStream(header, unlockHeader(header, key))));
  };

  it('round-trips, in chunks, the last one flagged', async () => {
    const { header, body } = await sealed();
    const f = frames(body);
    expect(f).toHaveLength(10);
    expect(f.map((x) => x[0])).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect((await open(header.bytes, body)).equals(plain)).toBe(true);
  });

  it('refuses swapped chunks, a dropped final chunk, an edited header, and another key', async () => {
    const { header, body } = await sealed();
    const f = frames(body);
    await expect(open(header.bytes, Buffer.concat([f[1], f[0], ...f.slice(2)]))).rejects.toThrow(/chunk 0 fails authentication/);
    await expect(open(header.bytes, Buffer.concat(f.slice(0, -1)))).rejects.toThrow(/truncated backup/);
    const flagged = Buffer.from(f[8]);
    flagged[0] = 1; // claim an earlier chunk is the last: its AAD no longer matches
    await expect(open(header.bytes, Buffer.concat([...f.slice(0, 8), flagged]))).rejects.toThrow(/chunk 8 fails authentication/);
    const edited = Buffer.from(header.bytes);
    edited[HEADER_LENGTH - 1] ^= 1; // chunk size, covered by every chunk's AAD
    await expect(open(edited, body)).rejects.toThrow(/corrupt header|fails authentication/);
    expect(() => unlockHeader(header, randomBytes(32))).toThrow(/wrong backup key/);
  });
});

describe('insert order', () => {
  it('puts parents first and defers self-references and cycles', () => {
    const tables = [
      { name: 'tasks', foreignKeys: [{ column: 'parent_task_id', references: 'tasks' }, { column: 'project_id', references: 'projects' }] },
      { name: 'projects', foreignKeys: [{ column: 'client_id', references: 'clients' }] },
      { name: 'clients', foreignKeys: [] },
      { name: 'a', foreignKeys: [{ column: 'b_id', references: 'b' }] },
      { name: 'b', foreignKeys: [{ column: 'a_id', references: 'a' }] },
    ];
    const order = insertOrder(tables);
    expect(order.indexOf('clients')).toBeLessThan(order.indexOf('projects'));
    expect(order.indexOf('projects')).toBeLessThan(order.indexOf('tasks'));
    const deferred = deferredColumns(tables, order);
    expect(deferred.get('tasks')).toEqual(['parent_task_id']);
    expect([...deferred.keys()].filter((k) => k !== 'tasks')).toHaveLength(1); // exactly one side of the a<->b cycle
  });
});

describe('portable values', () => {
  it('one form per value whatever the driver handed over', () => {
    expect(toPortable('120.50', kindOf('numeric'))).toBe(120.5);
    expect(toPortable(BigInt(42), kindOf('bigint'))).toBe(42);
    expect(toPortable('9007199254740993', kindOf('bigint'))).toBe('9007199254740993');
    expect(toPortable(Buffer.from('hi'), kindOf('varchar(10)'))).toBe('hi');
    expect(toPortable(Buffer.from('hi'), kindOf('bytea'))).toEqual({ $b64: 'aGk=' });
    expect(toPortable(new Date('2026-01-01T00:00:00Z'), kindOf('timestamp'))).toBe('2026-01-01T00:00:00.000Z');
    expect(toPortable(null, 'number')).toBe(null);
  });
});
