import { describe, expect, it } from 'vitest';
import { SATURATED, TermStore } from '../../src/modules/memory/term-counts.js';

describe('term store', () => {
  it('counts each term in the text and the context, keeps counts through compaction, and reuses freed space', () => {
    const store = new TermStore();
    const items = Array.from({ length: 200 }, (_, i) => {
      const own = `alpha beta${i % 7} ${'gamma '.repeat(i % 4)}`.trim();
      const context = i % 3 ? `delta beta${i % 5} alpha` : null;
      return { i, terms: store.add(own, context).offset };
    });
    const id = (t: string) => store.idOf(t)!;
    const check = (item: { i: number; terms: number }) => {
      expect(store.own(item.terms, id('alpha'))).toBe(1);
      expect(store.own(item.terms, id('gamma') ?? -1)).toBe(item.i % 4);
      expect(store.context(item.terms, id('delta'))).toBe(item.i % 3 ? 1 : 0);
      expect(store.context(item.terms, id('alpha'))).toBe(item.i % 3 ? 1 : 0);
      expect(store.holdsAny(item.terms, [id(`beta${item.i % 7}`)])).toBe(true);
      expect(store.holdsAny(item.terms, [id('delta')])).toBe(item.i % 3 !== 0);
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
    const { offset, saturated } = store.add('word '.repeat(300).trim(), 'word other');
    const word = store.idOf('word')!;
    expect(store.own(offset, word)).toBe(SATURATED);
    expect(saturated?.get(2 * word)).toBe(300);
    expect(store.context(offset, word)).toBe(1);
  });
});
