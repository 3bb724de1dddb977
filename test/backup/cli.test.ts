import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/database.js';
import { cli, tempHome } from '../e2e/helpers.js';
import { DIALECTS } from '../support/databases.js';

/** The real CLI, end to end, on a SQLite home: backup, list, verify, restore, refusals, migrate-db. */
// Each spawn compiles the CLI through tsx (seconds on a loaded machine): generous timeouts.
describe('claudetools backup / restore / migrate-db', { timeout: 180_000 }, () => {
  const home = tempHome();
  const env = { CLAUDETOOLS_HOME: home, CLAUDETOOLS_BACKUP_KEY: randomBytes(24).toString('base64') };
  let file: string;
  const rowsIn = async (url: string, table: string) => {
    const d = createDb(url);
    try {
      return Number((await d.db.selectFrom(table as any).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    } finally {
      await d.close();
    }
  };

  beforeAll(() => {
    expect(cli(['db', 'migrate'], env).code).toBe(0);
    expect(cli(['user', 'create', '--email', 'tech@example.test', '--role', 'technician'], env).code).toBe(0);
  });

  it('backup writes an archive and a sidecar, and records it', () => {
    const r = cli(['backup', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    file = out.path;
    expect(out.path).toMatch(new RegExp(`^${home}/backups/claudetools-\\d{8}T\\d{6}Z-manual\\.ctbak$`));
    expect(readFileSync(`${file}.sha256`, 'utf8')).toBe(`${out.sha256}  ${file.split('/').pop()}\n`);
    expect(out.manifest.tables.users).toBe(1);
    const list = JSON.parse(cli(['backup', 'list', '--json'], env).stdout);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ path: file, status: 'success', backup_type: 'manual', sha256: out.sha256, dialect: 'sqlite' });
  });

  it('backup verify checks everything and marks the backup verified', () => {
    const r = cli(['backup', 'verify', file], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK .*\n.*from sqlite, schema \d{4}_\w+.*\n.*every count matches the manifest/);
    expect(JSON.parse(cli(['backup', 'list', '--json'], env).stdout)[0].verified_at).toMatch(/^\d{4}-/);
  });

  it('restore into another database, and refuses to overwrite one holding data without --replace', async () => {
    const other = `sqlite:${join(home, 'other.db')}`;
    const r = cli(['restore', file, '--database-url', other], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Restored \d+ tables, \d+ rows into sqlite:/);
    expect(await rowsIn(other, 'users')).toBe(1);
    const refused = cli(['restore', file], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds data: pass --replace/);
    expect(cli(['restore', file, '--replace'], env).code).toBe(0);
  });

  it('refuses a tampered archive and a wrong key with one clear line', () => {
    const bad = join(home, 'bad.ctbak');
    const bytes = readFileSync(file);
    bytes[bytes.length - 30] ^= 4;
    writeFileSync(bad, bytes);
    writeFileSync(`${bad}.sha256`, readFileSync(`${file}.sha256`));
    const tampered = cli(['backup', 'verify', bad], env);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/^claudetools: checksum mismatch: bad\.ctbak is corrupt or truncated/);
    const wrongKey = cli(['restore', file, '--database-url', `sqlite:${join(home, 'x.db')}`], { ...env, CLAUDETOOLS_BACKUP_KEY: 'another-key-of-at-least-32-characters!!' });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/^claudetools: wrong backup key/);
  });

  const servers = DIALECTS.filter((d) => d.name !== 'sqlite');
  const created: { admin: ReturnType<typeof createDb>; name: string }[] = [];
  afterAll(async () => {
    for (const { admin, name } of created) {
      await sql.raw(`DROP DATABASE IF EXISTS ${name}`).execute(admin.db).catch(() => {});
      await admin.close();
    }
  });

  it.each([{ name: 'sqlite', url: '' }, ...servers])('migrate-db copies everything into an empty $name database', async (dialect) => {
    let to = `sqlite:${join(home, 'moved.db')}`;
    if (dialect.url) {
      const name = `ct_t_${randomBytes(6).toString('hex')}`;
      const admin = createDb(dialect.url);
      await sql.raw(`CREATE DATABASE ${name}`).execute(admin.db);
      created.push({ admin, name });
      const u = new URL(dialect.url);
      u.pathname = `/${name}`;
      to = u.toString();
    }
    const r = cli(['migrate-db', '--to', to], env);
    expect(r.stderr).not.toMatch(/claudetools:/); // progress lines only, no error
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`row counts verified.\nSwitch the server to it with:\n  DATABASE_URL=${to}\n`);
    expect(await rowsIn(to, 'users')).toBe(1);
    expect(await rowsIn(to, 'backup_logs')).toBe(1);
  });
});
