import { describe, expect, it } from 'vitest';
import { clip } from '../../src/memory/clip.js';
import { renderRecord, commonLength, TRUNCATED, renderIndex } from '../../src/mcp/output.js';
import { countTokens } from '../../src/memory/tokens.js';
import { entrySpan } from '../../src/modules/billable-time/rules.js';

/** About 27,000 tokens: a snippet near its 100,000-character limit. */
const runbook = (n: number) => Array.from({ length: 2300 }, (_, i) => `line ${i} of runbook ${n} for host${i}`).join('\n');

describe('renderRecord', () => {
  it('fits 10 huge memories under the cap quickly, as valid JSON, cutting each long field alike', () => {
    const items = Array.from({ length: 10 }, (_, n) => ({ id: `id-${n}`, kind: 'snippet', title: `Runbook ${n}`, dense_content: runbook(n), tags: ['ops'] }));
    expect(countTokens(items[0]!.dense_content)).toBeGreaterThan(20_000);
    const started = performance.now();
    const text = renderRecord({ items });
    const took = performance.now() - started;
    // Counting ~270,000 tokens once takes a fraction of this; the old halving loop took over 5 s.
    expect(took).toBeLessThan(2500);
    expect(countTokens(text)).toBeLessThanOrEqual(9_000);
    expect(countTokens(text)).toBeGreaterThan(6_000);
    const parsed = JSON.parse(text);
    expect(parsed.items.map((i: { id: string }) => i.id)).toEqual(items.map((i) => i.id));
    const lengths = parsed.items.map((i: { dense_content: string }) => i.dense_content.length);
    for (const [n, item] of parsed.items.entries()) {
      expect(item.dense_content.endsWith(TRUNCATED)).toBe(true);
      expect(items[n]!.dense_content.startsWith(item.dense_content.slice(0, -TRUNCATED.length))).toBe(true);
      expect(item).toMatchObject({ title: `Runbook ${n}`, tags: ['ops'] });
    }
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
  });

  it('leaves a record that fits alone, and short fields whole beside a long one', () => {
    expect(renderRecord({ a: 'x', n: 1 })).toBe('{"a":"x","n":1}');
    const text = renderRecord({ id: 'r1', note: 'short note', body: runbook(1) });
    const parsed = JSON.parse(text);
    expect(parsed).toMatchObject({ id: 'r1', note: 'short note' });
    expect(parsed.body.endsWith(TRUNCATED)).toBe(true);
  });

  it('still answers valid JSON under the cap when no long field is there to cut', () => {
    const text = renderRecord({ rows: Array.from({ length: 5000 }, (_, i) => `row ${i} has a short value`) });
    expect(countTokens(text)).toBeLessThanOrEqual(9_000);
    expect(JSON.parse(text)).toMatchObject({ truncated: expect.stringMatching(/too big/), partial: expect.stringMatching(/^\{"rows":\["row 0/) });
  });

  it('cuts the longest strings to one length, never below the floor', () => {
    expect(commonLength([1000, 600, 100], 500, 200)).toBe(550);
    expect(commonLength([1000, 600, 100], 5000, 200)).toBe(200);
    expect(commonLength([1000], 300, 200)).toBe(700);
  });
});

describe('renderIndex', () => {
  it('stops offering offsets at the end of a paging window and says how to go on', () => {
    const lines = ['- a', '- b'];
    expect(renderIndex('H:', { lines, offset: 498, total: 900, window: { size: 500, hint: 'narrow it.' } }, 'none')).toBe('H:\n- a\n- b\nShowing 499-500 of 900; narrow it.');
    expect(renderIndex('H:', { lines, offset: 10, total: 900, window: { size: 500, hint: 'narrow it.' } }, 'none')).toMatch(/offset=12\.$/);
  });
});

describe('clip', () => {
  it('flattens whitespace and cuts at a word boundary', () => {
    expect(clip('  a\n\tb  ')).toBe('a b');
    expect(clip(null)).toBe('');
    expect(clip('the quick brown fox jumps', 12)).toBe('the quick…');
  });
});

describe('entrySpan (log_time and claudetools time log)', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  it('ends minutes now unless a start or an end anchors them', () => {
    expect(entrySpan({ minutes: 30 }, now)).toEqual({ start_time: '2025-06-01T11:30:00.000Z', end_time: '2025-06-01T12:00:00.000Z' });
    expect(entrySpan({ minutes: 30, start: '2025-06-01T08:00:00Z' }, now)).toEqual({ start_time: '2025-06-01T08:00:00.000Z', end_time: '2025-06-01T08:30:00.000Z' });
    expect(entrySpan({ minutes: 30, end: '2025-06-01T08:00:00Z' }, now)).toEqual({ start_time: '2025-06-01T07:30:00.000Z', end_time: '2025-06-01T08:00:00.000Z' });
    expect(entrySpan({ start: '2025-06-01T08:00:00Z', end: '2025-06-01T09:00:00Z' }, now)).toEqual({ start_time: '2025-06-01T08:00:00.000Z', end_time: '2025-06-01T09:00:00.000Z' });
    expect(entrySpan({ start: '2025-06-01T08:00:00Z' }, now)).toEqual({ start_time: '2025-06-01T08:00:00.000Z', end_time: '2025-06-01T12:00:00.000Z' });
  });
  it('is null when nothing places the entry or a time does not parse', () => {
    expect(entrySpan({}, now)).toBeNull();
    expect(entrySpan({ end: '2025-06-01T08:00:00Z' }, now)).toBeNull();
    expect(entrySpan({ minutes: Number('abc') }, now)).toBeNull();
    expect(entrySpan({ start: 'yesterday', end: '2025-06-01T08:00:00Z' }, now)).toBeNull();
  });
});
