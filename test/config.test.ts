import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { parseDatabaseUrl, redactUrl } from '../src/db/url.js';

const home = () => mkdtempSync(join(tmpdir(), 'ct-config-'));

describe('config', () => {
  it('defaults to SQLite in the data directory on 127.0.0.1:8000', () => {
    const h = home();
    const c = loadConfig({ CLAUDETOOLS_HOME: h });
    expect(c).toMatchObject({ home: h, databaseUrl: `sqlite:${h}/claudetools.db`, host: '127.0.0.1', port: 8000, logLevel: 'info', migrateOnStart: true, accessTokenTtl: 900 });
    expect(c.recallIndexMaxItems).toBe(300_000);
  });

  it('takes the recall index size, 0 turning it off, and refuses a negative one', () => {
    expect(loadConfig({ CLAUDETOOLS_HOME: home(), CLAUDETOOLS_RECALL_INDEX_MAX_ITEMS: '0' }).recallIndexMaxItems).toBe(0);
    expect(() => loadConfig({ CLAUDETOOLS_HOME: home(), CLAUDETOOLS_RECALL_INDEX_MAX_ITEMS: '-1' })).toThrow(/CLAUDETOOLS_RECALL_INDEX_MAX_ITEMS/);
  });

  it('reports every invalid value at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ CLAUDETOOLS_HOME: home(), DATABASE_URL: 'oracle://x/y', PORT: 'eighty', LOG_LEVEL: 'loud', CLAUDETOOLS_ADMIN_EMAIL: 'not-an-email', CLAUDETOOLS_JWT_SECRET: 'short' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.split(':')[0]).sort()).toEqual(['CLAUDETOOLS_ADMIN_EMAIL', 'CLAUDETOOLS_JWT_SECRET', 'DATABASE_URL', 'LOG_LEVEL', 'PORT']);
    expect(error!.message).not.toContain('short'); // a secret's value is never echoed
  });

  it('reads config.json in the data directory, with the environment winning', () => {
    const h = home();
    writeFileSync(join(h, 'config.json'), JSON.stringify({ port: 9001, log_level: 'debug', server_url: 'ignored: a CLI setting' }));
    expect(loadConfig({ CLAUDETOOLS_HOME: h })).toMatchObject({ port: 9001, logLevel: 'debug' });
    expect(loadConfig({ CLAUDETOOLS_HOME: h, PORT: '9002' }).port).toBe(9002);
    writeFileSync(join(h, 'config.json'), '{ not json');
    expect(() => loadConfig({ CLAUDETOOLS_HOME: h })).toThrow(/config.json: not valid JSON/);
  });

  it('parses the three database URL forms', () => {
    expect(parseDatabaseUrl('sqlite:/var/data/ct.db')).toEqual({ dialect: 'sqlite', location: '/var/data/ct.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', location: ':memory:' });
    expect(parseDatabaseUrl('mariadb://u:p@db:3306/ct').dialect).toBe('mysql');
    expect(parseDatabaseUrl('mysql://u:p@db:3306/ct').location).toBe('mysql://u:p@db:3306/ct');
    expect(parseDatabaseUrl('postgresql://u:p@db/ct').dialect).toBe('postgres');
    expect(() => parseDatabaseUrl('postgres://u:p@db')).toThrow(/database name/);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/file path/);
    expect(redactUrl('postgres://user:hunter2@db/ct')).toBe('postgres://user:***@db/ct');
  });
});
