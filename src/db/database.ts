import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type SQLite from 'better-sqlite3';
import type * as Mysql from 'mysql2';
import type Pg from 'pg';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { parseDatabaseUrl, type Dialect } from './url.js';

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

/**
 * Each driver is loaded when a database of its kind is opened: a server on SQLite never loads the
 * MariaDB and PostgreSQL clients (tens of MB of resident memory between them).
 */
const load = createRequire(import.meta.url);
const drivers = {
  sqlite: () => load('better-sqlite3') as typeof SQLite,
  mysql: () => load('mysql2') as typeof Mysql,
  postgres: () => {
    const pg = load('pg') as typeof Pg;
    // pg returns int8 (count(*)) as a string; our counts fit in a double.
    pg.types.setTypeParser(20, (v) => Number(v));
    return pg;
  },
};

/**
 * Opens a database from a DATABASE_URL. SQLite gets foreign keys, WAL and a busy timeout;
 * MariaDB is told to talk UTC and utf8mb4. Every dialect stores timestamps as ISO strings (see dialect.ts).
 */
export function createDb(url: string): Db {
  const target = parseDatabaseUrl(url);
  const db = new Kysely<Database>({ dialect: dialectFor(target.dialect, target.location) });
  return { db, dialect: target.dialect, close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; on SQLite preparing costs as much as running a point query.
 * better-sqlite3 statements are reusable (and synchronous, so never in use twice at once): cache them by SQL.
 */
function withStatementCache(database: SQLite.Database, max = 500) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => { cache.clear(); database.close(); },
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) return stmt;
      stmt = database.prepare(text);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(text, stmt);
      return stmt;
    },
  };
}

function dialectFor(dialect: Dialect, location: string) {
  if (dialect === 'sqlite') {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
    const database = new (drivers.sqlite())(location);
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    if (location !== ':memory:') {
      database.pragma('journal_mode = WAL');
      // Checkpoints every ~40 MB of log instead of every 4 MB: an ingest batch then commits without copying
      // the log back into the database most of the time (measured: +4-6% ingest).
      database.pragma('wal_autocheckpoint = 10000');
      // No memory-mapped reads (SQLite's default, said explicitly): mapped pages count in the server's RSS
      // (64 MiB of them at 100k items, a fifth of its peak) and bought nothing measurable: recall reads the
      // memory index, ingest and lists read few pages, which the OS page cache serves through pread as fast
      // (bench:recall at 100k, low load: ingest turns/s and recall p50/p99 unchanged).
      database.pragma('mmap_size = 0');
    }
    // Fresh planner statistics where they are missing or stale; without them SQLite may walk a
    // low-selectivity index (100x slower lists). Cheap: it only analyzes tables that need it.
    database.pragma('optimize = 0x10002');
    return new SqliteDialect({ database: withStatementCache(database) });
  }
  if (dialect === 'mysql') {
    const pool = drivers.mysql().createPool({
      uri: location,
      connectionLimit: 10,
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      supportBigNumbers: true,
      decimalNumbers: true,
    });
    return new MysqlDialect({ pool: pool as never });
  }
  return new PostgresDialect({ pool: new (drivers.postgres().Pool)({ connectionString: location, max: 10 }) });
}
