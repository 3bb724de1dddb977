import type { BackupRecord } from './records.js';

/** Records as NDJSON text, in ~64 KiB pieces: one write per piece, not per row. */
export async function* toNdjson(records: AsyncIterable<BackupRecord>): AsyncGenerator<Buffer> {
  let buf = '';
  for await (const r of records) {
    if (r.kind === 'rows') for (const row of r.rows) buf += JSON.stringify(row) + '\n';
    else if (r.kind === 'manifest') buf += JSON.stringify({ manifest: r.manifest }) + '\n';
    else if (r.kind === 'table') buf += JSON.stringify({ table: r.table, columns: r.columns }) + '\n';
    else if (r.kind === 'end') buf += JSON.stringify({ end: r.table, rows: r.rows }) + '\n';
    else buf += '{"done":true}\n';
    if (buf.length >= 65_536) {
      yield Buffer.from(buf, 'utf8');
      buf = '';
    }
  }
  if (buf) yield Buffer.from(buf, 'utf8');
}

/** The inverse: lines back into records, consecutive rows grouped in batches of `batch`. */
export async function* fromNdjson(chunks: AsyncIterable<Buffer>, batch = 1000): AsyncGenerator<BackupRecord> {
  let rest = '';
  let rows: unknown[][] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parse = function* (line: string): Generator<BackupRecord> {
    if (!line) return;
    const value = JSON.parse(line);
    if (Array.isArray(value)) {
      rows.push(value);
      if (rows.length >= batch) {
        yield { kind: 'rows', rows };
        rows = [];
      }
      return;
    }
    if (rows.length) {
      yield { kind: 'rows', rows };
      rows = [];
    }
    if (value.manifest) yield { kind: 'manifest', manifest: value.manifest };
    else if (typeof value.table === 'string') yield { kind: 'table', table: value.table, columns: value.columns };
    else if (typeof value.end === 'string') yield { kind: 'end', table: value.end, rows: value.rows };
    else if (value.done === true) yield { kind: 'done' };
    else throw new Error('corrupt backup: an unknown record');
  };
  for await (const chunk of chunks) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const line of lines) yield* parse(line);
  }
  yield* parse(rest + decoder.decode());
  if (rows.length) yield { kind: 'rows', rows };
}
