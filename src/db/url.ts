import { resolve } from 'node:path';

export type Dialect = 'sqlite' | 'mysql' | 'postgres';

export interface DatabaseTarget {
  dialect: Dialect;
  /** File path or ':memory:' for sqlite; the full connection URL otherwise. */
  location: string;
}

/**
 * Reads a DATABASE_URL: `sqlite:/path/file.db`, `sqlite::memory:`, `mysql://` or `mariadb://`
 * (MariaDB), `postgres://` or `postgresql://`. Throws a message naming what is wrong.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new Error('sqlite URL needs a file path, e.g. sqlite:/var/lib/claudetools/data.db');
    return { dialect: 'sqlite', location: path === ':memory:' ? path : resolve(path) };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('must be sqlite:/path/file.db, mysql://user:pass@host:3306/db or postgres://user:pass@host:5432/db');
  }
  const protocol = parsed.protocol.replace(/:$/, '');
  const dialect: Dialect | undefined =
    protocol === 'mysql' || protocol === 'mariadb' ? 'mysql'
      : protocol === 'postgres' || protocol === 'postgresql' ? 'postgres' : undefined;
  if (!dialect) throw new Error(`unsupported scheme "${protocol}:" (use sqlite:, mysql: or postgres:)`);
  if (!parsed.hostname) throw new Error('the URL needs a host');
  if (parsed.pathname.length <= 1) throw new Error('the URL needs a database name, e.g. .../claudetools');
  if (dialect === 'mysql') parsed.protocol = 'mysql:';
  return { dialect, location: parsed.toString() };
}

/** The URL with its password hidden, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
