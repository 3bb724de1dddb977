import { randomBytes } from 'node:crypto';
import { createDb, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { sql } from 'kysely';

export interface TestDialect {
  name: 'sqlite' | 'mariadb' | 'postgres';
  /** A server URL whose user may create databases; unused for sqlite. */
  url: string;
}

/** SQLite always; MariaDB and PostgreSQL when TEST_MARIADB_URL / TEST_POSTGRES_URL are set. */
export const DIALECTS: TestDialect[] = [
  { name: 'sqlite' as const, url: 'sqlite::memory:' },
  ...(process.env.TEST_MARIADB_URL ? [{ name: 'mariadb' as const, url: process.env.TEST_MARIADB_URL }] : []),
  ...(process.env.TEST_POSTGRES_URL ? [{ name: 'postgres' as const, url: process.env.TEST_POSTGRES_URL }] : []),
];

/**
 * A fresh, migrated, empty database for one test file: SQLite in memory, or a new database on the
 * MariaDB / PostgreSQL server that `drop()` removes. Files never share data, so they run in parallel.
 */
export async function freshDatabase(dialect: TestDialect): Promise<{ database: Db; url: string; drop(): Promise<void> }> {
  if (dialect.name === 'sqlite') {
    const database = createDb(dialect.url);
    await migrateToLatest(database.db);
    return { database, url: dialect.url, drop: () => database.close() };
  }
  const name = `ct_t_${randomBytes(6).toString('hex')}`;
  const admin = createDb(dialect.url);
  await sql.raw(dialect.name === 'mariadb' ? `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci` : `CREATE DATABASE ${name}`).execute(admin.db);
  const u = new URL(dialect.url);
  u.pathname = `/${name}`;
  const database = createDb(u.toString());
  await migrateToLatest(database.db);
  return {
    database,
    url: u.toString(),
    async drop() {
      await database.close();
      await sql.raw(`DROP DATABASE IF EXISTS ${name}`).execute(admin.db).catch(() => {});
      await admin.close();
    },
  };
}
