/**
 * API throughput: `npm run bench:api -- [--database-url URL] [--clients 10000] [--duration 10]`.
 * Seeds ~90 rows per client (about 1M rows at 10,000 clients) straight into the database, starts the real
 * server process on it, and drives it with autocannon over loopback. Prints requests/s and latency
 * percentiles (and the server's CPU ms per request) and writes bench/results/api-<dialect>.json. Never run as a test.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql, type Kysely } from 'kysely';
import { createDb } from '../src/db/database.js';
import { ROOT, startServer } from './support/server.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { newId } from '../src/core/ids.js';

const { values: args } = parseArgs({ options: {
  'database-url': { type: 'string' }, clients: { type: 'string', default: '10000' }, duration: { type: 'string', default: '10' },
  connections: { type: 'string', default: '20' }, 'skip-seed': { type: 'boolean', default: false },
  only: { type: 'string' }, home: { type: 'string' },
} });
// --home keeps the server's keys next to a database that --skip-seed reuses (the vault refuses a new master key).
const home = args.home ?? mkdtempSync(join(tmpdir(), 'ct-bench-'));
const url = args['database-url'] ?? `sqlite:${join(home, 'bench.db')}`;
const clients = Number(args.clients);

async function seed() {
  const { db, dialect, close } = createDb(url);
  await migrateToLatest(db);
  if (args['skip-seed']) {
    // --skip-seed with --database-url reuses a database an earlier run seeded (profiling runs one after another).
    const rows = await (db as Kysely<any>).selectFrom('clients').select('id').where('short_code', 'like', 'C%').orderBy('short_code').execute();
    await close();
    console.log(`reusing ${rows.length.toLocaleString()} seeded clients (${dialect})`);
    return { ids: rows.map((r) => r.id as string), dialect };
  }
  const now = new Date().toISOString();
  const base = { created_at: now, updated_at: now };
  const started = Date.now();
  let rows = 0;
  const insert = async (table: string, values: Record<string, unknown>[]) => {
    for (let i = 0; i < values.length; i += 500) await db.insertInto(table as never).values(values.slice(i, i + 500) as never).execute();
    rows += values.length;
  };
  const ids: string[] = [];
  for (let chunk = 0; chunk < clients; chunk += 100) {
    const batch: Record<string, Record<string, unknown>[]> = { clients: [], projects: [], sites: [], infrastructure: [], services: [], networks: [], tasks: [], sessions: [], billable_time: [] };
    for (let c = chunk; c < Math.min(clients, chunk + 100); c++) {
      const client = newId();
      ids.push(client);
      batch.clients.push({ id: client, name: `Client ${c}`, short_code: `C${c}`, client_type: 'msp_client', status: c % 7 ? 'active' : 'inactive', default_hourly_rate: 100, ...base });
      for (let p = 0; p < 2; p++) batch.projects.push({ id: newId(), client_id: client, name: `Project ${c}-${p}`, slug: `p-${c}-${p}`, status: 'active', ...base });
      const site = newId();
      batch.sites.push({ id: site, client_id: client, name: `HQ ${c}`, vpn_required: 0, ...base });
      for (let h = 0; h < 10; h++) {
        const infra = newId();
        batch.infrastructure.push({ id: infra, client_id: client, site_id: site, asset_type: h % 3 ? 'virtual_machine' : 'physical_server', hostname: `host-${c}-${h}`, status: 'active', has_gui: 0, ...base });
        for (let s = 0; s < 2; s++) batch.services.push({ id: newId(), infrastructure_id: infra, name: `svc-${h}-${s}`, service_type: 'web', status: 'running', ...base });
      }
      for (let n = 0; n < 5; n++) batch.networks.push({ id: newId(), client_id: client, name: `VLAN ${n}`, network_type: 'vlan', cidr: `10.${n}.0.0/24`, vlan_id: n + 1, ...base });
      for (let t = 0; t < 20; t++) batch.tasks.push({ id: newId(), client_id: client, title: `Task ${t}`, task_type: 'implementation', status: t % 4 ? 'pending' : 'completed', task_order: t, ...base });
      for (let s = 0; s < 10; s++) batch.sessions.push({ id: newId(), client_id: client, mode: 'msp', status: 'completed', is_billable: 1, started_at: now, ...base });
      for (let b = 0; b < 20; b++) {
        const start = Date.UTC(2026, 0, 1) + (c * 20 + b) * 3600_000;
        batch.billable_time.push({ id: newId(), client_id: client, start_time: new Date(start).toISOString(), end_time: new Date(start + 1800_000).toISOString(), duration_minutes: 30, hourly_rate: 100, amount: 50, is_billable: 1, ...base });
      }
    }
    for (const [table, values] of Object.entries(batch)) await insert(table, values);
  }
  // Fresh planner statistics, as a database that has been running a while has them (SQLite: PRAGMA optimize at open).
  if (dialect === 'postgres') await sql`analyze`.execute(db);
  if (dialect === 'mysql') for (const table of ['clients', 'projects', 'sites', 'infrastructure', 'services', 'networks', 'tasks', 'sessions', 'billable_time']) await sql`analyze table ${sql.table(table)}`.execute(db);
  await close();
  console.log(`seeded ${rows.toLocaleString()} rows for ${clients.toLocaleString()} clients in ${((Date.now() - started) / 1000).toFixed(1)} s (${dialect})`);
  return { ids, dialect };
}

/** CPU time (user + system, ms) the server process has used so far; null where /proc is missing. */
function serverCpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch { return null; }
}

function run(name: string, base: string, token: string, paths: string[], pid?: number) {
  let i = 0;
  const cpuBefore = serverCpuMs(pid);
  return new Promise<Record<string, number | null>>((res, rej) => {
    autocannon({
      url: base, connections: Number(args.connections), duration: Number(args.duration),
      headers: { authorization: `Bearer ${token}` },
      requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
    }, (err, r) => {
      if (err) return rej(err);
      // Server CPU per request is steadier than req/s on a shared machine: other load slows the clock, not the work.
      const cpuAfter = serverCpuMs(pid);
      const cpu = cpuBefore === null || cpuAfter === null ? null : Number(((cpuAfter - cpuBefore) / r.requests.total).toFixed(3));
      const out = { requests_per_s: Math.round(r.requests.average), p50_ms: r.latency.p50, p90_ms: r.latency.p90, p99_ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors, server_cpu_ms_per_request: cpu };
      console.log(`${name.padEnd(28)} ${String(out.requests_per_s).padStart(6)} req/s   p50 ${out.p50_ms} ms   p99 ${out.p99_ms} ms   non-2xx ${out.non2xx}   server CPU ${cpu} ms/req`);
      res(out);
    });
  });
}

const { ids, dialect } = await seed();
const server = await startServer(url, home);
const { base, key } = server;
try {
  const sample = Array.from({ length: 1000 }, (_, i) => ids[(i * 7919) % ids.length]);
  const scenarios: Record<string, [name: string, paths: string[]]> = {
    get_client: ['GET /api/clients/{id}', sample.map((id) => `/api/clients/${id}`)],
    list_filtered_sorted: ['GET infrastructure list', sample.map((id) => `/api/infrastructure?client_id=${id}&asset_type=virtual_machine&sort=-hostname&limit=50`)],
    list_clients_page: ['GET /api/clients?status&sort', sample.slice(0, 50).map((_, i) => `/api/clients?status=active&sort=name&limit=50&offset=${i * 50}`)],
  };
  const results: Record<string, unknown> = {
    machine: { cores: (await import('node:os')).cpus().length, node: process.version }, dialect, clients, connections: Number(args.connections), duration_s: Number(args.duration),
  };
  // --only get_client,list_clients_page runs a subset (e.g. while profiling one of them).
  for (const [id, [name, paths]] of Object.entries(scenarios)) {
    if (!args.only || args.only.split(',').includes(id)) results[id] = await run(name, base, key, paths, server.child.pid);
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/api-${dialect}.json`), JSON.stringify(results, null, 2));
} finally {
  server.stop();
}
