import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/database.js';

describe('a SQLite database file as the server opens it', () => {
  const home = mkdtempSync(join(tmpdir(), 'ct-sqlite-settings-'));
  const database = createDb(`sqlite:${join(home, 'settings.db')}`);
  afterAll(async () => {
    await database.close();
    rmSync(home, { recursive: true, force: true });
  });
  const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(database.db)).rows[0] as object)[0];

  it('is in WAL mode with foreign keys on', async () => {
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('wal_autocheckpoint')).toBe(10000);
  });

  it('is read without a memory mapping, whose pages would count in the server\'s resident memory', async () => {
    expect(await pragma('mmap_size')).toBe(0);
  });
});
