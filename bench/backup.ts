/**
 * Backup and restore of N rows (default 1M) on SQLite files: time and peak RSS per phase.
 * Target (issue 8): each under 60 s, memory bounded (streamed, never a whole table in memory).
 *   npm run bench:backup -- [--rows 1000000]
 * Rows: 70% tasks (1% with a parent task, the self-reference path) and 30% context snippets
 * (each insert feeds the FTS5 index through its triggers, the costliest restore path).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createBackup } from '../src/backup/backup.js';
import { restoreBackup } from '../src/backup/restore.js';
import { createDb } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const total = Number(values.rows);
const tasks = Math.round(total * 0.7);
const snippets = total - tasks;
const dir = mkdtempSync(join(tmpdir(), 'ct-bench-backup-'));

/** The process's own memory (RssAnon): RSS without the SQLite file's memory-mapped pages, which are the kernel's page cache. */
const anonBytes = () => Number(/RssAnon:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

/** Runs `fn`, sampling memory every 50 ms: the phase's wall time, peak RSS and peak own memory in MiB. */
async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMiB: number; peakAnonMiB: number }> {
  let peak = process.memoryUsage.rss();
  let peakAnon = anonBytes();
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); peakAnon = Math.max(peakAnon, anonBytes()); }, 50);
  const start = performance.now();
  try {
    const result = await fn();
    const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
    return { result, seconds: Number(((performance.now() - start) / 1000).toFixed(1)), peakRssMiB: mib(Math.max(peak, process.memoryUsage.rss())), peakAnonMiB: mib(Math.max(peakAnon, anonBytes())) };
  } finally {
    clearInterval(timer);
  }
}

const id = (prefix: string, n: string) => sql.raw(`printf('${prefix}-0000-7000-8000-%012d', ${n})`);

async function main() {
  const source = createDb(`sqlite:${join(dir, 'source.db')}`);
  await migrateToLatest(source.db);
  const now = new Date().toISOString();
  const fill = await measure(async () => {
    await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${tasks})
      insert into tasks (id, parent_task_id, title, description, task_type, status, task_order, created_at, updated_at)
      select ${id('00000000', 'i')}, case when i % 100 = 1 and i > 1 then ${id('00000000', 'i - 1')} end,
        'Task ' || i, 'Renew the certificate on host ' || (i % 977) || ' before it expires', 'implementation', 'pending', i % 50, ${now}, ${now} from n`.execute(source.db);
    await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${snippets})
      insert into context_snippets (id, category, title, dense_content, tags, relevance_score, source_refs, content_hash, search_terms, scope_terms, created_at, updated_at)
      select ${id('11111111', 'i')}, 'tech_decision', 'Snippet ' || i, 'The NAS backup on host ' || (i % 613) || ' failed with ECONNREFUSED; opened port 5001',
        '["nas"]', 1.5, '[]', lower(hex(randomblob(32))), 'nas backup host' || (i % 613) || ' fail econnrefus port 5001', 'gzqglobal', ${now}, ${now} from n`.execute(source.db);
  });
  const key = randomBytes(32);
  const backup = await measure(() => createBackup(source, { type: 'manual', dir, key }));
  await source.close();
  const target = createDb(`sqlite:${join(dir, 'target.db')}`);
  const restore = await measure(() => restoreBackup(backup.result.path, target, key));
  const check = await sql<{ n: number }>`select count(*) as n from context_snippets_fts where context_snippets_fts match 'econnrefus'`.execute(target.db);
  await target.close();
  const report = {
    rows: total, fill_seconds: fill.seconds,
    backup: { seconds: backup.seconds, peak_rss_mib: backup.peakRssMiB, peak_own_mib: backup.peakAnonMiB, archive_mib: Number((backup.result.size / 2 ** 20).toFixed(1)) },
    restore: { seconds: restore.seconds, peak_rss_mib: restore.peakRssMiB, peak_own_mib: restore.peakAnonMiB, rows: Object.values(restore.result.tables).reduce((a, b) => a + b, 0) },
    fts_matches_after_restore: check.rows[0].n,
    under_60s: backup.seconds < 60 && restore.seconds < 60,
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

main().finally(() => rmSync(dir, { recursive: true, force: true }));
