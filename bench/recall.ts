/**
 * Recall speed at scale: `npm run bench:recall -- [--database-url URL] [--sizes 10000,100000] [--queries 2000]`.
 * Builds a synthetic corpus of work conversations across 50 projects through the real ingest API,
 * then times recall through HTTP, one request at a time, at each size (`--queries 0`: ingest only). Reports ingest turns/s,
 * recall p50/p95/p99, the server's CPU per turn and per recall, and its peak RSS; writes bench/results/recall-<dialect>.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { client, percentile, ROOT, startServer } from './support/server.js';
import { OBJECTS, pick, sentence, SUBJECTS } from './support/corpus.js';

const { values: args } = parseArgs({ options: {
  'database-url': { type: 'string' }, sizes: { type: 'string', default: '10000,100000' }, queries: { type: 'string', default: '2000' },
} });
const home = mkdtempSync(join(tmpdir(), 'ct-recall-'));
const url = args['database-url'] ?? `sqlite:${join(home, 'recall.db')}`;
const dialect = url.split(':')[0]!.replace('postgresql', 'postgres');
const sizes = args.sizes!.split(',').map(Number);
const PROJECTS = 50;
const TURNS_PER_SESSION = 20;

const server = await startServer(url, home);
const call = client(server);
/**
 * The server process's CPU time so far (user + system of all its threads, GC helpers included; ms, from
 * /proc): on a shared machine wall times swing by a third between runs, while CPU per turn and per
 * recall move less, so both are reported.
 */
const serverCpuMs = () => {
  const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime: clock ticks of 10 ms
};
const results: Record<string, unknown>[] = [];
try {
  const run = Date.now().toString(36);
  const projects: string[] = [];
  for (let p = 0; p < PROJECTS; p++) projects.push((await call('POST', '/api/projects', { name: `Recall bench ${p}`, slug: `recall-${run}-${p}` })).id);
  let stored = 0;
  let session = 0;
  for (const size of sizes) {
    const started = performance.now();
    const ingestCpu = serverCpuMs();
    let turns = 0;
    while (stored < size) {
      const batch = Array.from({ length: TURNS_PER_SESSION }, (_, i) => ({ ref: `s${session}:${i}`, role: i % 2 ? 'assistant' : 'user', text: sentence() }));
      await call('POST', '/api/memory/ingest', { project_id: projects[session % PROJECTS], session: { external_id: `bench-${run}-${session}` }, turns: batch });
      stored += batch.length; turns += batch.length; session++;
    }
    const ingestSeconds = (performance.now() - started) / 1000;
    const ingestCpuMs = serverCpuMs() - ingestCpu;
    const recallCpu = serverCpuMs();
    const latencies: number[] = [];
    for (let q = 0; q < Number(args.queries); q++) {
      const query = `${pick(SUBJECTS).replace('the ', '')} ${pick(OBJECTS).replace('the ', '')}`;
      const t = performance.now();
      await call('POST', '/api/memory/recall', { query, project_id: projects[q % PROJECTS], token_budget: 1000, record_usage: false });
      latencies.push(performance.now() - t);
    }
    const recallCpuMs = serverCpuMs() - recallCpu;
    latencies.sort((a, b) => a - b);
    // Peak RSS, and what it is made of now: the process's own memory (anon) and mapped files (the
    // SQLite database is memory-mapped: those pages are the kernel's page cache, reclaimable).
    const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
    const mb = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
    // `--queries 0` measures ingest alone: no recall figures rather than zeros.
    const recallMs = latencies.length ? { p50: +percentile(latencies, 50).toFixed(2), p95: +percentile(latencies, 95).toFixed(2), p99: +percentile(latencies, 99).toFixed(2) } : null;
    const row = { items: stored, ingest_turns_per_s: Math.round(turns / ingestSeconds), recall_ms: recallMs,
      server_cpu_ms_per_turn: +(ingestCpuMs / turns).toFixed(3), server_cpu_ms_per_recall: latencies.length ? +(recallCpuMs / latencies.length).toFixed(3) : null,
      server_peak_rss_mb: mb('VmHWM'), server_rss_anon_mb: mb('RssAnon'), server_rss_file_mb: mb('RssFile') };
    const recallText = recallMs ? `recall p50 ${recallMs.p50} ms, p95 ${recallMs.p95} ms, p99 ${recallMs.p99} ms` : 'recall not measured (--queries 0)';
    const cpuText = `server CPU ${row.server_cpu_ms_per_turn} ms a turn${latencies.length ? `, ${row.server_cpu_ms_per_recall} ms a recall` : ''}`;
    console.log(`${dialect} ${stored.toLocaleString()} turns: ingest ${row.ingest_turns_per_s} turns/s; ${recallText}; ${cpuText}; server peak RSS ${row.server_peak_rss_mb} MB (now ${row.server_rss_anon_mb} MB own + ${row.server_rss_file_mb} MB mapped files)`);
    results.push(row);
  }
} finally {
  await server.stop();
  // On SQLite the corpus is a few hundred MB: not left behind in the temp directory.
  rmSync(home, { recursive: true, force: true });
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, `bench/results/recall-${dialect}.json`), JSON.stringify({ dialect, projects: PROJECTS, results }, null, 2));
