/**
 * One portable form per value, so a row read from any dialect is written identically and a round
 * trip SQLite -> MariaDB -> PostgreSQL -> SQLite gives the same rows:
 * - integers (booleans are smallint 0/1) and decimals/doubles: JSON numbers. pg hands decimals and
 *   MariaDB hands big integers over as strings; decimal(12,2) fits a double exactly enough to print
 *   back the same value. An integer beyond 2^53 stays a string rather than lose digits.
 * - text: strings (timestamps are already ISO strings, JSON is already text).
 * - binary: `{ "$b64": "..." }`, in case a later table stores bytes.
 * - a Date (a driver typing a timestamp column): its ISO string, the app's own storage form.
 */
export type ColumnKind = 'number' | 'text' | 'binary' | 'other';

export function kindOf(type: string): ColumnKind {
  if (/int|dec|numeric|real|double|float/.test(type)) return 'number';
  if (/char|text|clob|json|uuid/.test(type)) return 'text';
  if (/blob|binary|bytea/.test(type)) return 'binary';
  return 'other';
}

export function toPortable(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return kind === 'text' ? value.toString('utf8') : { $b64: value.toString('base64') };
  if (value instanceof Date) return value.toISOString();
  if (kind === 'number') {
    if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    if (typeof value === 'string' && value.trim() !== '') {
      const n = Number(value);
      return Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n)) ? n : value;
    }
  }
  return value;
}

/** The inverse for the few forms JSON cannot carry as themselves. */
export function fromPortable(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$b64' in value) return Buffer.from(String((value as { $b64: string }).$b64), 'base64');
  return value;
}
