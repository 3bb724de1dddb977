import { describe, expect, it } from 'vitest';
import { HOLDS_SATURATED, SATURATED, TermStore } from '../../src/modules/memory/term-counts.js';

describe('term store', () => {
  it('counts each term in the text and the context, keeps counts through compaction, and reuses freed space', () => {
    const store = new TermStore();
    const items = Array.from({ length: 200 }, (_, i) => {
      const own = `alpha beta${i % 7} ${'gamma '.repeat(i % 4)}`.trim();
      const context = i % 3 ? `delta beta${i % 5} alpha` : null;
      return { i, terms: store.store(store.encode(own, context)) };
    });
    const id = (t: string) => store.idOf(t)!;
    const wanted = ['alpha', 'gamma', 'delta'];
    const check = (item: { i: number; terms: number }) => {
      const own = new Float64Array(3).fill(-1);
      const context = new Float64Array(3).fill(-1);
      store.mark(wanted.map(id), wanted.map(id));
      expect(store.countMarked(item.terms, own, context, 0)).toBe(1);
      // Terms the item lacks are left as they were (-1): the caller's columns start at 0.
      expect([...own]).toEqual([1, item.i % 4 || -1, -1]);
      expect([...context]).toEqual(item.i % 3 ? [1, -1, 1] : [-1, -1, -1]);
      const holds = (offset: number) => store.countMarked(offset, new Float64Array(0), new Float64Array(0), 0) !== 0;
      store.mark([id(`beta${item.i % 7}`)], []);
      expect(holds(item.terms)).toBe(true);
      store.mark([id('delta')], []);
      expect(holds(item.terms)).toBe(item.i % 3 !== 0);
      store.mark([id('beta6'), id('gamma')], []);
      expect(holds(item.terms)).toBe(item.i % 7 === 6 || item.i % 4 !== 0);
    };
    items.forEach(check);
    const kept = items.filter((x) => x.i % 3 === 0);
    for (const x of items.filter((x) => x.i % 3 !== 0)) store.free(x.terms);
    expect(store.waste).toBeGreaterThan(0.5);
    const offsets = Int32Array.from(items, (x) => x.terms);
    store.compact(offsets, Uint8Array.from(items, (x) => (x.i % 3 === 0 ? 1 : 0)), items.length);
    expect(store.waste).toBe(0);
    kept.forEach((x) => check({ ...x, terms: offsets[x.i]! }));
  });

  it('marks counts of 255 or more as saturated and hands back the exact count', () => {
    const store = new TermStore();
    const span = store.encode('word '.repeat(300).trim(), 'word other');
    const offset = store.store(span);
    const saturated = span.saturated;
    const word = store.idOf('word')!;
    const own = new Float64Array(1);
    const context = new Float64Array(1);
    store.mark([word], [word]);
    expect(store.countMarked(offset, own, context, 0)).toBe(HOLDS_SATURATED);
    expect([own[0], context[0]]).toEqual([SATURATED, 1]);
    expect(saturated?.get(2 * word)).toBe(300);
  });

  it('keeps spans whole across chunks: many items past one chunk, and one item larger than a chunk', () => {
    const store = new TermStore(4096); // 4 KB chunks: a few dozen spans each
    const words = (i: number) => Array.from({ length: 118 }, (_, k) => `w${(i * 7 + k * 13) % 5000}`).join(' ');
    const offsets = Array.from({ length: 3000 }, (_, i) => store.store(store.encode(`${words(i)} item${i}`, i % 2 ? `item${i} context${i}` : null)));
    // Larger than a chunk: 3,000 distinct terms.
    const huge = store.store(store.encode(Array.from({ length: 3000 }, (_, k) => `h${k}`).join(' '), 'item7'));
    const after = store.store(store.encode('item-after', null));
    expect(store.chunks.length).toBeGreaterThan(50);
    const holds = (term: string, offset: number) => {
      store.mark([store.idOf(term)!], [store.idOf(term)!]);
      const own = new Float64Array(1);
      const context = new Float64Array(1);
      return store.countMarked(offset, own, context, 0) ? [own[0], context[0]] : null;
    };
    for (let i = 0; i < 3000; i += 37) {
      expect(holds(`item${i}`, offsets[i]!)).toEqual([1, i % 2]);
      expect(holds(`item${i + 1}`, offsets[i]!)).toBeNull();
      expect(holds(`w${(i * 7 + 117 * 13) % 5000}`, offsets[i]!)![0]).toBeGreaterThanOrEqual(1);
    }
    expect(holds('h2999', huge)).toEqual([1, 0]);
    expect(holds('item7', huge)).toEqual([0, 1]);
    expect(holds('item-after', after)).toEqual([1, 0]);
    expect(store.holds(offsets[2500]!, store.encode(`${words(2500)} item2500`, null))).toBe(true);
    expect(store.holds(offsets[2500]!, store.encode(`${words(2500)} item2501`, null))).toBe(false);
  });
});
