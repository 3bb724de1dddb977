import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { DIALECTS, type TestDialect } from '../support/databases.js';
import { seedParents } from '../support/msp.js';
import { api, credentialBody } from './support.js';

const base32Seed = () => Array.from(randomBytes(20), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');

/** Every row of every table, as one string: what a database dump would hold. */
async function dumpAllTables(t: TestApp): Promise<string> {
  const tables = await t.db.introspection.getTables();
  const parts: string[] = [];
  for (const table of tables) parts.push(JSON.stringify(await t.db.selectFrom(table.name).selectAll().execute()));
  return parts.join('\n');
}

// The SQLite case uses a real file, so the raw bytes on disk (and the WAL) can be scanned too.
const dir = mkdtempSync(join(tmpdir(), 'ct-vault-planted-'));
const dialects: TestDialect[] = DIALECTS.map((d) => (d.name === 'sqlite' ? { ...d, url: `sqlite:${join(dir, 'planted.db')}` } : d));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(dialects)('planted secrets [$name]', (dialect) => {
  let t: TestApp;
  const log: string[] = [];
  beforeAll(async () => {
    t = await createTestApp(dialect, { logStream: new Writable({ write(chunk, _e, cb) { log.push(String(chunk)); cb(); } }) });
  });

  it('appear nowhere in plaintext: not in the tables, the database file, the log, the audit rows or error bodies', async () => {
    const a = api(() => t);
    const p = await seedParents(t);
    const planted: string[] = [];
    const responses: string[] = [];
    for (let i = 0; i < 3; i++) {
      const seed = base32Seed();
      const body = credentialBody({ client_id: i ? p.client_id : null, totp_secret: seed });
      planted.push(...['password', 'api_key', 'client_secret', 'token', 'private_key', 'secret_notes'].map((k) => String(body[k as keyof typeof body])),
        String(body.connection_string).split('Password=')[1]!, seed);
      const created = await a.create(body);
      expect(created.statusCode).toBe(201);
      const id = created.json().id;
      responses.push(created.body, (await a.get(`/api/credentials/${id}`)).body, (await a.get('/api/credentials')).body);
      const newPassword = `PLANTED-rotated-${randomBytes(6).toString('hex')}`;
      planted.push(newPassword);
      responses.push((await a.patch(id, { password: newPassword })).body);
      expect((await a.reveal(id, { reason: 'scan' })).json().secrets.password).toBe(newPassword); // the secrets are really there
      await a.get(`/api/credentials/${id}/totp`);
      // Refused requests that carry secrets must not echo them.
      responses.push((await a.create({ ...body, bogus_field: 1 })).body, (await a.create({ ...body, totp_secret: `PLANTED-badseed-${i}` })).body,
        (await a.patch(id, { password: newPassword, client_id: p.client_id })).body);
      planted.push(`PLANTED-badseed-${i}`);
      const broken = await t.app.inject({ method: 'POST', url: '/api/credentials', headers: { ...t.adminHeaders, 'content-type': 'application/json' },
        payload: `{"service_name":"x","password":"PLANTED-badjson-${i}",}` });
      expect(broken.statusCode).toBe(400);
      responses.push(broken.body);
      planted.push(`PLANTED-badjson-${i}`);
    }
    const dump = await dumpAllTables(t);
    expect(dump).toContain('credential_audit'); // sanity: the dump really holds rows (audit_heads' chain names)
    const audit = JSON.stringify(await t.db.selectFrom('credential_audit_logs').selectAll().execute()) + JSON.stringify(await t.db.selectFrom('audit_logs').selectAll().execute());
    expect(log.join('')).toContain('incoming request');
    for (const secret of planted) {
      expect(dump, 'database dump').not.toContain(secret);
      expect(audit, 'audit rows').not.toContain(secret);
      expect(log.join(''), 'server log').not.toContain(secret);
      for (const r of responses) expect(r, 'a response').not.toContain(secret);
    }

    if (dialect.name === 'sqlite') {
      await t.close();
      const path = join(dir, 'planted.db');
      const raw = Buffer.concat([path, `${path}-wal`].filter(existsSync).map((f) => readFileSync(f)));
      expect(raw.length).toBeGreaterThan(10_000);
      expect(raw.includes('Acme admin')).toBe(true); // metadata is plain, so the scan would see a secret too
      for (const secret of planted) expect(raw.includes(secret), `raw SQLite file holds ${secret.slice(0, 10)}...`).toBe(false);
    } else {
      await t.close();
    }
  });
});
