/** Pure billing arithmetic, kept apart so it is tested without a database. */
export const MAX_ENTRY_MINUTES = 24 * 60;

export const durationMinutes = (start: string, end: string) => Math.round((Date.parse(end) - Date.parse(start)) / 60_000);

/** Hours rounded to two decimals, times the rate, rounded to cents (what goes on the invoice). */
export function amountFor(minutes: number, rate: number | null, billable: boolean): number {
  if (!billable || rate == null) return 0;
  const hours = Math.round((minutes / 60) * 100) / 100;
  return Math.round(hours * rate * 100) / 100;
}

export const hoursOf = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

/** A CSV cell that a spreadsheet will not run as a formula: = + - @ (and tab/CR) get a leading quote. */
export function csvCell(value: unknown): string {
  if (value == null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The span of a time entry from what a person gives (`claudetools time log` and MCP's log_time): start
 * and end as given; minutes end now, unless a start or an end anchors them. Null when there is nothing
 * to place it by (neither minutes nor a start) or a time does not parse.
 */
export function entrySpan(given: { minutes?: number; start?: string; end?: string }, now: Date): { start_time: string; end_time: string } | null {
  const span = (given.minutes ?? 0) * 60_000;
  const end = given.end ? new Date(given.end) : given.start && given.minutes ? new Date(Date.parse(given.start) + span) : now;
  const start = given.start ? new Date(given.start) : given.minutes ? new Date(end.getTime() - span) : undefined;
  if (!start || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return null;
  return { start_time: start.toISOString(), end_time: end.toISOString() };
}
