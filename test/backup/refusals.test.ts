import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../src/backup/archive.js';
import { sha256File, writeSidecar } from '../../src/backup/checksum.js';
import { registerMasterKeyCheck } from '../../src/backup/master-key-check.js';
import { restoreBackup } from '../../src/backup/restore.js';
import { readSnapshot } from '../../src/backup/snapshot.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';
import { dumpAll, fillEveryTable } from './fill.js';
import { tempDir, testKey } from './helpers.js';

/**
 * Every damaged or foreign archive is refused with a clear message and the target keeps exactly
 * the rows it had, on every dialect, including a failure deep into the load (which rolls back).
 */
const key = testKey();
const dir = tempDir();
let source: TestApp;
let good: string;

/** Archives in 1 KiB chunks, so there are many and one near the end can be damaged. */
async function archive(name: string, from = () => source): Promise<string> {
  const file = join(dir, name);
  const { sha256 } = await writeArchive(readSnapshot({ db: from().db, dialect: 'sqlite', close: async () => {} }), file, key, { chunkSize: 1024 });
  writeSidecar(file, sha256);
  return file;
}

function copy(name: string, edit: (bytes: Buffer) => Buffer, { resign = false, sidecar = true, from = good } = {}): string {
  const file = join(dir, name);
  writeFileSync(file, edit(Buffer.from(readFileSync(from))));
  if (sidecar && !resign) writeFileSync(`${file}.sha256`, readFileSync(`${from}.sha256`));
  return file;
}

/** Every table filled plus ~1 MB of snippets of made-up words (an archive of ~270 KB), archived once. */
let big: Promise<string> | undefined;
let bigSource: TestApp | undefined;
function bigArchive(): Promise<string> {
  return (big ??= (async () => {
    const app = (bigSource = await createTestApp(DIALECTS[0]));
    await fillEveryTable(app);
    let seed = 7;
    const letter = () => String.fromCharCode(97 + ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 26));
    const word = () => Array.from({ length: 3 + (seed % 6) }, letter).join('');
    for (let i = 0; i < 50; i++) {
      const res = await app.app.inject({ method: 'POST', url: '/api/context-snippets', headers: app.adminHeaders,
        payload: { category: 'fact', dense_content: Array.from({ length: 3500 }, word).join(' ') } });
      if (res.statusCode >= 300) throw new Error(res.body);
    }
    return archive('big.ctbak', () => app);
  })());
}

beforeAll(async () => {
  source = await createTestApp(DIALECTS[0]);
  await fillEveryTable(source);
  good = await archive('good.ctbak');
});
afterAll(async () => { await source?.close(); await bigSource?.close(); registerMasterKeyCheck(null); });

describe.each(DIALECTS)('refusals leave the target unchanged [$name]', (dialect) => {
  let target: TestApp;
  let before: Awaited<ReturnType<typeof dumpAll>>;
  beforeAll(async () => {
    target = await createTestApp(dialect);
    await fillEveryTable(target);
    before = await dumpAll(target.db);
  });
  afterAll(async () => { await target?.close(); });

  /** Refused with `message`, the target's rows unchanged; returns how many rows the load had inserted before failing. */
  const refused = async (file: string, message: RegExp, restoreKey = key) => {
    let loaded = 0;
    const onProgress = ({ rows }: { rows: number }) => { loaded += rows; };
    await expect(restoreBackup(file, { db: target.db, dialect: dbDialect(), close: async () => {} }, restoreKey, { replace: true, onProgress })).rejects.toThrow(message);
    expect(await dumpAll(target.db)).toEqual(before);
    return loaded;
  };
  const dbDialect = () => (dialect.name === 'mariadb' ? 'mysql' : dialect.name);

  it('a flipped bit: the checksum names it before anything is read', async () => {
    const file = copy('flip.ctbak', (b) => { b[Math.floor(b.length / 2)] ^= 1; return b; });
    await refused(file, /checksum mismatch: flip\.ctbak is corrupt or truncated/);
  });

  it('a flipped bit without a sidecar: chunk authentication catches it', async () => {
    const file = copy('flip-nosidecar.ctbak', (b) => { b[b.length - 100] ^= 1; return b; }, { sidecar: false });
    await refused(file, /corrupt backup: chunk \d+ fails authentication/);
  });

  it('a wrong backup key: reported from the header, before decrypting', async () => {
    await refused(good, /wrong backup key/, testKey());
  });

  it('a truncated file: the checksum, or without it the missing last chunk', async () => {
    const cut = copy('cut.ctbak', (b) => b.subarray(0, b.length - 500));
    await refused(cut, /checksum mismatch/);
    const cutBare = copy('cut-bare.ctbak', (b) => b.subarray(0, b.length - 500), { sidecar: false });
    await refused(cutBare, /truncated backup|fails authentication/);
  });

  it('a chunk near the end corrupt (sidecar re-made to match): the load fails midway and rolls back', async () => {
    // An archive far larger than what the read, decrypt and gunzip streams buffer ahead (~50 KB): with a small
    // one the damaged chunk could be read before the load inserted anything, and "midway" would be untested.
    const big = await bigArchive();
    const file = copy('late.ctbak', (b) => { b[b.length - 40] ^= 0x80; return b; }, { resign: true, from: big });
    writeSidecar(file, await sha256File(file));
    expect(statSync(file).size).toBeGreaterThan(200 * 1024);
    expect(await refused(file, /corrupt backup: chunk \d+ fails authentication/)).toBeGreaterThan(0);
  });

  it('not an archive at all', async () => {
    const file = join(dir, 'not.ctbak');
    writeFileSync(file, 'hello world, this is not a backup but it is long enough to hold a header');
    rmSync(`${file}.sha256`, { force: true });
    await refused(file, /not a ClaudeTools backup/);
  });

  it('a vault written under another master key', async () => {
    registerMasterKeyCheck(() => 'check-of-key-A');
    const file = await archive('vault-a.ctbak');
    registerMasterKeyCheck(() => 'check-of-key-B');
    try {
      await refused(file, /wrong master key/);
    } finally {
      registerMasterKeyCheck(null);
    }
  });

  it('a target holding data without replace', async () => {
    await expect(restoreBackup(good, { db: target.db, dialect: dbDialect(), close: async () => {} }, key)).rejects.toThrow(/already holds data: pass --replace/);
    expect(await dumpAll(target.db)).toEqual(before);
  });

  it('and the good archive then restores over it', async () => {
    const result = await restoreBackup(good, { db: target.db, dialect: dbDialect(), close: async () => {} }, key, { replace: true });
    expect(await dumpAll(target.db)).toEqual(await dumpAll(source.db));
    expect(result.tables.users).toBeGreaterThan(0);
  });
});

describe('a load check registered by the vault', () => {
  it('runs before the commit, and a failing one rolls the load back', async () => {
    const { registerLoadCheck } = await import('../../src/backup/master-key-check.js');
    const { emptySqlite } = await import('./helpers.js');
    const target = emptySqlite();
    let sawUsers = -1;
    const unregister = registerLoadCheck(async (trx) => {
      sawUsers = Number((await trx.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      throw new Error('credential 42 does not decrypt with this master key');
    });
    try {
      await expect(restoreBackup(good, target.database, key)).rejects.toThrow('credential 42 does not decrypt');
    } finally {
      unregister();
    }
    expect(sawUsers).toBeGreaterThan(0);
    expect(Number((await target.database.db.selectFrom('users' as any).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(0);
    await target.drop();
  });
});
