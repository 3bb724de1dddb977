import { describe, expect, it } from 'vitest';
import { GroupPostings } from '../../src/modules/memory/group-postings.js';
import { TermStore } from '../../src/modules/memory/term-counts.js';

describe('group postings', () => {
  it('lists every live item holding a term, by section, with its count: near and far apart, counts of 1, more, and 255+', () => {
    const store = new TermStore();
    const spans: number[] = [];
    const items: { own: string; context: string | null }[] = [];
    // 20,000 slots; the group holds every third (its slot list), so positions and slots differ.
    for (let slot = 0; slot < 20_000; slot++) {
      const own = [`common${slot % 2}`, slot % 97 === 0 ? 'rare' : '', slot === 15_000 ? 'far' : '', slot % 5 === 0 ? 'twice twice' : '',
        slot === 9_999 ? 'many '.repeat(300) : ''].join(' ');
      const context = slot % 7 === 0 ? `common${slot % 2} rare` : null;
      items.push({ own, context });
      spans.push(store.store(store.encode(own, context)));
    }
    const slots = Array.from({ length: 20_000 / 3 }, (_, i) => 3 * i);
    const live = new Uint8Array(20_000).fill(1);
    live[3 * 100] = 0; // dead: left out
    const postings = GroupPostings.build(slots, live, Int32Array.from(spans), store);

    const count = (text: string | null, term: string) => Math.min(255, (text ?? '').split(' ').filter((w) => w === term).length);
    for (const term of ['common0', 'common1', 'rare', 'far', 'twice', 'many', 'absent']) {
      const expected: [number, number, number][] = [];
      for (const slot of slots) {
        if (!live[slot]) continue;
        const own = count(items[slot]!.own, term);
        const context = count(items[slot]!.context, term);
        if (own) expected.push([slot, 0, own]);
        if (context) expected.push([slot, 1, context]);
      }
      const id = store.idOf(term);
      const k = id === undefined ? -1 : postings.find(id);
      const read: [number, number, number][] = [];
      if (k >= 0) for (const entry = postings.entries(k); entry.next();) read.push([entry.slot, entry.section, entry.count]);
      expect(read, term).toEqual(expected);
    }
    // 'far' is held by one item, thousands of positions in; 'many' 300 times (read as 255: the index keeps the exact count aside).
    expect(postings.find(store.idOf('far')!)).toBeGreaterThanOrEqual(0);
  });
});
