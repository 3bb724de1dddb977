import { countTokens } from './tokens.js';

export interface InjectableItem {
  kind: string;
  title?: string | null;
  text: string;
  /** When the content happened: shown as a date so "when did…" questions can be answered. */
  at?: string | null;
  /** Tokens of `text` when known: lets an item that cannot fit be skipped without rendering it. */
  tokens?: number;
}

export interface Injection<T> {
  text: string;
  tokens: number;
  included: T[];
  /** How many of the given items were looked at before the limit or the budget stopped it. */
  considered: number;
  /**
   * The limit or the budget is used up: items after those given would not have been taken either. A caller
   * formatting the top of a longer list knows then that the whole list gives the same injection.
   */
  filled: boolean;
}

export const INJECTION_HEADER = '## Memories from earlier sessions (ClaudeTools)';

const FULL_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "8 May 2023": the form people (and answers) use; the time of day rarely matters to recall. */
export function humanDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${d.getUTCDate()} ${FULL_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** One bullet per item; continuation lines are indented so a multi-line snippet stays one bullet. */
export function renderItem(item: InjectableItem): string {
  const date = item.at ? `(${humanDate(item.at)}) ` : '';
  const label = item.kind === 'conversation' || item.kind === 'snippet' ? '' : `[${item.kind}] `;
  const title = item.title && !item.text.startsWith(item.title) ? `${item.title}: ` : '';
  return `- ${date}${label}${title}${item.text.trim().replace(/\n+/g, '\n  ')}`;
}

/**
 * The text Claude receives: a header and the items in rank order, as many as fit in `budget`
 * tokens (cl100k). An item too big for what is left is skipped so smaller ones behind it still fit.
 */
/** A line's tokens with its newline, as it stands in the injection. */
const cost = (line: string) => countTokens(`${line}\n`);

export interface FormatOptions<T> {
  limit?: number;
  header?: string;
  /** Called for an item that fits; returning false leaves it out (e.g. a near-duplicate of one already in). */
  accept?: (item: T) => boolean;
}

export function formatForInjection<T extends InjectableItem>(items: readonly T[], budget: number, options: FormatOptions<T> = {}): Injection<T> {
  const header = options.header ?? INJECTION_HEADER;
  const limit = options.limit ?? Infinity;
  const headerTokens = countTokens(`${header}\n`);
  if (!items.length || budget <= headerTokens) return { text: '', tokens: 0, included: [], considered: 0, filled: budget <= headerTokens };
  let used = headerTokens;
  const included: T[] = [];
  const lines: string[] = [];
  let considered = 0;
  const full = () => included.length >= limit || budget - used < 8;
  for (const item of items) {
    if (full()) break;
    considered++;
    if (item.tokens !== undefined && used + item.tokens > budget) continue;
    const line = renderItem(item);
    const lineTokens = cost(line);
    if (used + lineTokens > budget) continue;
    if (options.accept && !options.accept(item)) continue;
    used += lineTokens;
    included.push(item);
    lines.push(line);
  }
  const filled = full();
  if (!included.length) return { text: '', tokens: 0, included: [], considered, filled };
  let text = `${header}\n${lines.join('\n')}`;
  // cl100k splits text into pieces before it merges bytes into tokens, and no piece spans a line join here:
  // every line starts with "- " and ends with no whitespace, so its last piece ends at its newline (a
  // punctuation piece takes the newline along, in both places). The whole text then counts what its parts
  // did, less the last line's newline: one small count instead of recounting ~4 KB (a tenth of a recall).
  let tokens = used - cost(lines.at(-1)!) + countTokens(lines.at(-1)!);
  // Should the parts ever not add up, the exact count decides what fits.
  if (tokens > budget) tokens = countTokens(text);
  while (tokens > budget && lines.length) {
    lines.pop(); included.pop();
    text = lines.length ? `${header}\n${lines.join('\n')}` : '';
    tokens = countTokens(text);
  }
  return { text, tokens, included, considered, filled };
}
