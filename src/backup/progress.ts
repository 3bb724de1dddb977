import type { BackupRecord } from './records.js';

export type ProgressFn = (p: { table: string; rows: number; total: number }) => void;

/** Passes records through, reporting rows done per table (for stderr progress on long runs). */
export async function* withProgress(records: AsyncIterable<BackupRecord>, onProgress?: ProgressFn): AsyncGenerator<BackupRecord> {
  let totals: Record<string, number> = {};
  let table = '';
  let rows = 0;
  for await (const r of records) {
    if (r.kind === 'manifest') totals = r.manifest.tables;
    else if (r.kind === 'table') { table = r.table; rows = 0; }
    else if (r.kind === 'rows') { rows += r.rows.length; onProgress?.({ table, rows, total: totals[table] ?? 0 }); }
    yield r;
  }
}

/** A stderr reporter that prints at most once a second, so short runs stay quiet. */
export function stderrProgress(verb: string): ProgressFn {
  let last = Date.now();
  return ({ table, rows, total }) => {
    if (Date.now() - last < 1000) return;
    last = Date.now();
    process.stderr.write(`${verb}: ${table} ${rows}/${total} rows\n`);
  };
}
