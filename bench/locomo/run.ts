/**
 * Recall quality on LoCoMo through the real HTTP contract:
 *   npm run bench:locomo -- --data ../shared/datasets/locomo/locomo10.dev.json [--database-url URL]
 * One project per conversation, each session ingested with its date, each question recalled with
 * as_of = the last session's date. Prints evidence recall@k, recall within token budgets, answer
 * containment, tokens, latency and ingest speed, overall and per category; writes bench/results/locomo-<dialect>.json.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { countTokens } from '../../src/memory/tokens.js';
import { client, percentile, ROOT, startServer } from '../support/server.js';
import { loadLocomo } from './dataset.js';

const { values: args } = parseArgs({ options: { data: { type: 'string' }, 'database-url': { type: 'string' }, conversations: { type: 'string' } } });
if (!args.data) throw new Error('--data <path to locomo10.dev.json> is required');
const conversations = loadLocomo(args.data).slice(0, args.conversations ? Number(args.conversations) : undefined);
const home = mkdtempSync(join(tmpdir(), 'ct-locomo-'));
const url = args['database-url'] ?? `sqlite:${join(home, 'locomo.db')}`;
const dialect = url.split(':')[0]!.replace('postgresql', 'postgres');
const CATEGORIES: Record<number, string> = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop', 5: 'adversarial' };
const K = [5, 10, 25];
const BUDGETS = [500, 1000, 2000];

const normalize = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
const share = (evidence: string[], found: Set<string>) => evidence.filter((e) => found.has(e)).length / evidence.length;

const server = await startServer(url, home);
const call = client(server);
const rows: Array<Record<string, number>> = [];
const latencies: number[] = [];
let turns = 0;
let ingestMs = 0;
try {
  const run = Date.now().toString(36);
  for (const conv of conversations) {
    const project = await call('POST', '/api/projects', { name: `LoCoMo ${conv.id}`, slug: `locomo-${conv.id}-${run}`.toLowerCase() });
    for (const session of conv.sessions) {
      const started = performance.now();
      await call('POST', '/api/memory/ingest', { project_id: project.id, session: { external_id: `${session.externalId}:${run}`, started_at: session.startedAt }, turns: session.turns });
      ingestMs += performance.now() - started;
      turns += session.turns.length;
    }
    for (const q of conv.questions) {
      const ask = async (extra: Record<string, unknown>) => {
        const started = performance.now();
        const out = await call('POST', '/api/memory/recall', { query: q.question, project_id: project.id, as_of: conv.lastDate, record_usage: false, ...extra });
        return { out, ms: performance.now() - started };
      };
      const row: Record<string, number> = { category: q.category };
      const top = (await ask({ limit: 25, token_budget: 100_000 })).out;
      for (const k of K) row[`recall@${k}`] = share(q.evidence, new Set(top.items.slice(0, k).flatMap((i: any) => i.source_refs)));
      for (const budget of BUDGETS) {
        const { out, ms } = await ask({ limit: 500, token_budget: budget });
        row[`recall@${budget}tok`] = share(q.evidence, new Set(out.items.flatMap((i: any) => i.source_refs)));
        if (budget === 1000) {
          latencies.push(ms);
          row.tokens_1000 = countTokens(out.text);
          if (q.category !== 5) row.answer_in_1000 = normalize(out.text).includes(normalize(q.answer)) ? 1 : 0;
        }
      }
      rows.push(row);
    }
  }
} finally {
  server.stop();
}

const METRICS = [...K.map((k) => `recall@${k}`), ...BUDGETS.map((b) => `recall@${b}tok`), 'answer_in_1000', 'tokens_1000'];
function summarize(subset: typeof rows) {
  return Object.fromEntries(METRICS.map((m) => {
    const values = subset.map((r) => r[m]).filter((v): v is number => v !== undefined);
    return [m, values.length ? Number((values.reduce((a, b) => a + b, 0) / values.length).toFixed(3)) : null];
  }));
}
latencies.sort((a, b) => a - b);
const results = {
  dialect, questions: rows.length, turns,
  overall: summarize(rows),
  by_category: Object.fromEntries(Object.entries(CATEGORIES).map(([c, name]) => [name, { questions: rows.filter((r) => r.category === Number(c)).length, ...summarize(rows.filter((r) => r.category === Number(c))) }])),
  recall_latency_ms: { p50: Number(percentile(latencies, 50).toFixed(2)), p95: Number(percentile(latencies, 95).toFixed(2)) },
  ingest_turns_per_s: Math.round(turns / (ingestMs / 1000)),
};
console.log(`LoCoMo on ${dialect}: ${rows.length} questions, ${turns} turns`);
console.log(['', ...METRICS].map((m) => m.padStart(13)).join(''));
for (const [name, s] of [['overall', results.overall], ...Object.entries(results.by_category)] as [string, Record<string, number | null>][]) {
  console.log([name.padStart(13), ...METRICS.map((m) => String(s[m] ?? '-').padStart(13))].join(''));
}
console.log(`recall latency p50 ${results.recall_latency_ms.p50} ms, p95 ${results.recall_latency_ms.p95} ms; ingest ${results.ingest_turns_per_s} turns/s`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, `bench/results/locomo-${dialect}.json`), JSON.stringify(results, null, 2));
