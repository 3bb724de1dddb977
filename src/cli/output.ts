/** CLI output: results on stdout (JSON with --json), problems as one line on stderr with a non-zero exit. */
export class CliError extends Error {
  /** `code` is the server's problem code when the error came from the API (e.g. reason_required). */
  constructor(message: string, readonly exitCode = 1, readonly code?: string) {
    super(message);
  }
}

export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  if (!rows.length) {
    process.stdout.write('(none)\n');
    return;
  }
  const cell = (v: unknown) => (v == null ? '' : Array.isArray(v) || typeof v === 'object' ? JSON.stringify(v) : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd() + '\n';
  process.stdout.write(line(columns));
  for (const r of rows) process.stdout.write(line(columns.map((c) => cell(r[c]))));
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
