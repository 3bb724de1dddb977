import { countTokens, truncateToTokens } from '../memory/tokens.js';

/**
 * Claude Code warns when a tool's output passes 10,000 tokens and cuts it at 25,000: every tool
 * answer stays under this cap (cl100k, the unit of every budget here), with room to spare.
 */
export const MAX_OUTPUT_TOKENS = 9_000;

/** Whitespace flattened and clipped: one line of an index. */
export function oneLine(text: string | null | undefined, max = 160): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The last resort for any text: cut at the cap, saying so. Lists and records fit themselves first. */
export function capText(text: string, cap = MAX_OUTPUT_TOKENS): string {
  if (countTokens(text) <= cap) return text;
  return `${truncateToTokens(text, cap - 40)}\n… (cut at ${cap} tokens: ask for less, or page with offset)`;
}

export interface IndexPage {
  /** One line per item, in order, starting at `offset`. */
  lines: string[];
  offset: number;
  /** All matching items, when known. */
  total?: number;
  /** Whether items follow the given lines, when `total` is not known. */
  more?: boolean;
}

/**
 * An index: ids and one line per item, as many as fit under the cap, then how to get the next page.
 * Models read the index first and ask for details by id, so long lists never flood the context.
 */
export function renderIndex(header: string, page: IndexPage, empty: string): string {
  if (!page.lines.length) return page.offset > 0 ? `Nothing at offset ${page.offset}${page.total !== undefined ? ` (${page.total} in all)` : ''}.` : empty;
  const budget = MAX_OUTPUT_TOKENS - countTokens(header) - 60;
  const shown: string[] = [];
  let used = 0;
  for (const line of page.lines) {
    const cost = countTokens(`${line}\n`);
    if (used + cost > budget && shown.length) break;
    shown.push(line);
    used += cost;
  }
  const end = page.offset + shown.length;
  const more = shown.length < page.lines.length || (page.total !== undefined ? end < page.total : Boolean(page.more));
  const of = page.total !== undefined ? ` of ${page.total}` : '';
  const footer = more ? `Showing ${page.offset + 1}-${end}${of}; for more, call again with offset=${end}.` : `Showing ${page.offset + 1}-${end}${of}.`;
  return capText(`${header}\n${shown.join('\n')}\n${footer}`);
}

/**
 * A record as compact JSON under the cap: while it is too big, the longest string field is halved
 * and marked, so every field still shows and only the bulkiest prose is cut.
 */
export function renderRecord(record: unknown): string {
  let value = JSON.parse(JSON.stringify(record)) as unknown;
  let text = JSON.stringify(value);
  for (let round = 0; round < 40 && countTokens(text) > MAX_OUTPUT_TOKENS; round++) {
    const longest = longestString(value);
    if (!longest || longest.value.length < 200) break;
    longest.set(`${longest.value.slice(0, Math.floor(longest.value.length / 2))} … [truncated: too long for one answer]`);
    text = JSON.stringify(value);
  }
  return capText(text);
}

interface StringSlot { value: string; set(v: string): void }

function longestString(value: unknown): StringSlot | null {
  let best: StringSlot | null = null;
  const visit = (holder: Record<string, unknown> | unknown[]) => {
    for (const [k, v] of Object.entries(holder)) {
      if (typeof v === 'string') {
        if (!best || v.length > best.value.length) best = { value: v, set: (s) => { (holder as Record<string, unknown>)[k] = s; } };
      } else if (v && typeof v === 'object') visit(v as Record<string, unknown>);
    }
  };
  if (value && typeof value === 'object') visit(value as Record<string, unknown>);
  return best;
}

/** "2026-03-01" from an ISO time, or '' when there is none. */
export const day = (iso: unknown): string => (typeof iso === 'string' ? iso.slice(0, 10) : '');
