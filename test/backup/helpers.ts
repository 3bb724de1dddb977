import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createDb } from '../../src/db/database.js';
import { DIALECTS, freshDatabase } from '../support/databases.js';

export const tempDir = () => mkdtempSync(join(tmpdir(), 'ct-backup-'));
export const testKey = () => randomBytes(32);

/** A database with no schema at all: a restore must migrate it to the archive's version first. */
export function emptySqlite(dir = tempDir()) {
  const url = `sqlite:${join(dir, `empty-${randomBytes(4).toString('hex')}.db`)}`;
  const database = createDb(url);
  return { database, url, drop: () => database.close() };
}

/** SQLite, then MariaDB and PostgreSQL when configured, then SQLite again: the round-trip chain. */
export const CHAIN = [...DIALECTS.filter((d) => d.name !== 'sqlite'), DIALECTS[0]];

export const migratedTarget = (name: (typeof DIALECTS)[number]['name']) => freshDatabase(DIALECTS.find((d) => d.name === name)!);
