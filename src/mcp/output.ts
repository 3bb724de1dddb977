import { countTokens, truncateToTokens } from '../memory/tokens.js';

/**
 * Claude Code warns when a tool's output passes 10,000 tokens and cuts it at 25,000: every tool
 * answer stays under this cap (cl100k, the unit of every budget here), with room to spare.
 */
export const MAX_OUTPUT_TOKENS = 9_000;

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
  /**
   * When only the first `size` items can be paged to (offsets past it are refused), the footer stops
   * offering offsets there and says `hint` (how to reach the rest) instead.
   */
  window?: { size: number; hint: string };
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
  const shownRange = `Showing ${page.offset + 1}-${end}${of}`;
  const footer = !more ? `${shownRange}.`
    : page.window && end >= page.window.size ? `${shownRange}; ${page.window.hint}`
      : `${shownRange}; for more, call again with offset=${end}.`;
  return capText(`${header}\n${shown.join('\n')}\n${footer}`);
}

/** What a shortened string ends with. */
export const TRUNCATED = ' … [truncated: too long for one answer]';
/** Strings up to this long are never shortened: ids, names, dates and short notes always show whole. */
const KEPT_WHOLE = 200;

interface StringSlot { original: string; kept: number; set(v: string): void }

/** Every string in a JSON value (objects and arrays, at any depth), with a setter to replace it in place. */
function stringSlots(value: unknown): StringSlot[] {
  const slots: StringSlot[] = [];
  const visit = (holder: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(holder)) {
      if (typeof v === 'string') slots.push({ original: v, kept: v.length, set: (s) => { holder[k] = s; } });
      else if (v && typeof v === 'object') visit(v as Record<string, unknown>);
    }
  };
  if (value && typeof value === 'object') visit(value as Record<string, unknown>);
  return slots;
}

/**
 * The length every string is cut to so that `remove` characters go in all, longest first ("water
 * filling": the longest fields shrink to a common length, shorter ones stay whole), never below `floor`.
 */
export function commonLength(lengths: readonly number[], remove: number, floor: number): number {
  const sorted = [...lengths].sort((a, b) => b - a);
  let removed = 0;
  for (let i = 0; i < sorted.length; i++) {
    const next = Math.max(sorted[i + 1] ?? floor, floor);
    const step = (i + 1) * (sorted[i]! - next);
    if (removed + step >= remove) return Math.max(floor, Math.floor(sorted[i]! - (remove - removed) / (i + 1)));
    removed += step;
    if (next === floor) break;
  }
  return floor;
}

/**
 * A record as compact JSON under the cap, always valid JSON. The text is counted once; when it is too
 * big, the long strings (prose, runbooks) are cut to one common length, estimated from the tokens over
 * the cap, so every field still shows and only the bulkiest prose is cut; a recount checks the estimate
 * (a few rounds at most, each on text near the cap). A record that still does not fit (thousands of
 * small fields) comes back as a JSON object saying so, with its start as a string.
 */
export function renderRecord(record: unknown, cap = MAX_OUTPUT_TOKENS): string {
  const value = JSON.parse(JSON.stringify(record ?? null)) as unknown;
  let text = JSON.stringify(value);
  let tokens = countTokens(text);
  if (tokens <= cap) return text;
  const slots = stringSlots(value).filter((s) => s.original.length > KEPT_WHOLE);
  const target = Math.floor(cap * 0.95);
  // String characters per character of JSON they take (escapes such as \n take two).
  const density = slots.reduce((n, s) => n + s.original.length, 0) / slots.reduce((n, s) => n + JSON.stringify(s.original).length - 2, 0);
  for (let round = 0; round < 4 && tokens > cap && slots.length; round++) {
    // The JSON characters over the target, at this text's characters per token, as string characters.
    const remove = Math.ceil((((tokens - target) * text.length) / tokens) * density) + slots.length * TRUNCATED.length;
    const length = commonLength(slots.map((s) => s.kept), remove, KEPT_WHOLE);
    for (const slot of slots) {
      if (slot.kept <= length) continue;
      slot.kept = length;
      slot.set(`${slot.original.slice(0, length)}${TRUNCATED}`);
    }
    text = JSON.stringify(value);
    tokens = countTokens(text);
    if (length === KEPT_WHOLE) break;
  }
  if (tokens <= cap) return text;
  return JSON.stringify({
    truncated: 'This record is too big for one answer even with its long texts cut; ask for fewer items. Its start follows as text.',
    partial: truncateToTokens(text, Math.floor(cap * 0.45)),
  });
}

/** "2026-03-01" from an ISO time, or '' when there is none. */
export const day = (iso: unknown): string => (typeof iso === 'string' ? iso.slice(0, 10) : '');
