/**
 * The vault's figures: `npm run bench:vault -- [--database-url URL] [--credentials 200] [--reveals 2000]`.
 * 1. Reveal latency through the real server over HTTP (p50/p95/p99; target p50 < 5 ms).
 * 2. Decrypt calls while listing 50 credentials (target 0), counted in-process with the instrumented
 *    AEAD, plus the in-process reveal latency for comparison. Writes bench/results/vault-<dialect>.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { systemContext } from '../src/core/context.js';
import { createDb } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { decryptCount } from '../src/vault/aead.js';
import { client, percentile, ROOT, startServer } from './support/server.js';

const { values: args } = parseArgs({ options: {
  'database-url': { type: 'string' }, credentials: { type: 'string', default: '200' }, reveals: { type: 'string', default: '2000' },
} });
const home = mkdtempSync(join(tmpdir(), 'ct-vault-bench-'));
const url = args['database-url'] ?? `sqlite:${join(home, 'vault.db')}`;
const dialect = url.split(':')[0]!.replace('postgresql', 'postgres');
const n = Number(args.credentials);
const reveals = Number(args.reveals);
const body = (i: number) => ({
  service_name: `Bench service ${i}`, username: `admin${i}`, credential_type: 'password', url: `https://host${i}.bench.test/`,
  password: randomBytes(16).toString('base64'), api_key: randomBytes(24).toString('hex'), totp_secret: 'JBSWY3DPEHPK3PXP', secret_notes: 'bench',
});
const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: +percentile(s, 50).toFixed(3), p95: +percentile(s, 95).toFixed(3), p99: +percentile(s, 99).toFixed(3) };
};

// 1. Over HTTP against the real server process.
const server = await startServer(url, home);
const call = client(server);
let http: ReturnType<typeof stats>;
try {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await call('POST', '/api/credentials', body(i))).id);
  for (let i = 0; i < 50; i++) await call('POST', `/api/credentials/${ids[i % n]}/reveal`, { reason: 'warm-up' });
  const ms: number[] = [];
  for (let i = 0; i < reveals; i++) {
    const t0 = performance.now();
    await call('POST', `/api/credentials/${ids[i % n]}/reveal`, { reason: 'bench' });
    ms.push(performance.now() - t0);
  }
  http = stats(ms);
} finally {
  server.stop();
}
await new Promise((r) => setTimeout(r, 500));

// 2. In-process, on the same database and key files, where the decrypt counter can be read.
const database = createDb(url);
await migrateToLatest(database.db);
const { loadKeys, appSettings } = await import('../src/runtime.js');
const { loadConfig } = await import('../src/config.js');
const config = loadConfig({ CLAUDETOOLS_HOME: home, DATABASE_URL: url });
const app = await buildApp({ database, keys: loadKeys(config), settings: appSettings(config) });
const creds = app.services.vault.credentials;
const ctx = systemContext('bench');
const before = decryptCount();
const page = await creds.list(ctx, { limit: 50, offset: 0 });
const listDecrypts = decryptCount() - before;
const searchBefore = decryptCount();
await creds.list(ctx, { limit: 50, offset: 0, q: 'bench service 1' });
const searchDecrypts = decryptCount() - searchBefore;
const inProcess: number[] = [];
for (let i = 0; i < reveals; i++) {
  const t0 = performance.now();
  await creds.reveal(ctx, page.items[i % page.items.length]!.id, { reason: 'bench' });
  inProcess.push(performance.now() - t0);
}
const revealBefore = decryptCount();
await creds.reveal(ctx, page.items[0]!.id);
const revealDecrypts = decryptCount() - revealBefore;
await app.close();
await database.close();

const result = {
  dialect, credentials: n, reveals,
  reveal_http_ms: http, reveal_in_process_ms: stats(inProcess),
  list_50: { items: page.items.length, decrypt_calls: listDecrypts }, search_decrypt_calls: searchDecrypts,
  decrypt_calls_per_reveal: revealDecrypts,
  target: { reveal_p50_ms: 5, list_decrypt_calls: 0 },
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, `bench/results/vault-${dialect}.json`), `${JSON.stringify(result, null, 2)}\n`);
