import { describe, expect, it } from 'vitest';
import { candidateColumns, emptyColumns, rankColumns, type Candidate, type NumberedTags } from '../../src/memory/score.js';

const NOW = '2026-03-10T12:00:00.000Z';
const TAGS = ['vpn', 'dns', 'postgresql', 'mysql', 'redis', 'linux', 'backup', 'azure'];

/** A small deterministic PRNG, so a failure repeats. */
function prng(seed: number) {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

function candidates(n: number, random: () => number): Candidate[] {
  return Array.from({ length: n }, (_, i) => {
    const tags = TAGS.filter(() => random() < 0.3);
    if (random() < 0.1 && tags.length) tags.push(tags[0]!); // a tag twice counts twice
    return {
      id: `id-${String(i).padStart(4, '0')}`, termFrequencies: new Map([['backup', Math.floor(random() * 3)], ['nas', Math.floor(random() * 2)]]),
      contextFrequencies: new Map([['nas', Math.floor(random() * 2)]]), length: 3 + Math.floor(random() * 20), contextLength: Math.floor(random() * 40),
      tags, scope: (['project', 'client', 'global'] as const)[i % 3]!, at: `2026-03-0${1 + (i % 9)}T12:00:00.000Z`,
      usageCount: i % 5, relevanceScore: 1 + random(), pinned: i % 13 === 0,
    };
  });
}

/** The candidates' tags numbered as the memory index numbers them: each distinct list once, each tag once. */
function numbered(items: readonly Candidate[]): NumberedTags {
  const lists: string[][] = [[]];
  const ids: Int32Array[] = [new Int32Array(0)];
  const idOf = new Map<string, number>();
  const listAt = new Map<string, number>([['[]', 0]]);
  const listOf = Int32Array.from(items, (c) => {
    const key = JSON.stringify(c.tags);
    let at = listAt.get(key);
    if (at === undefined) {
      listAt.set(key, (at = lists.push([...c.tags]) - 1));
      ids.push(Int32Array.from(c.tags, (t) => idOf.get(t) ?? idOf.set(t, idOf.size).get(t)!));
    }
    return at;
  });
  // A tag no candidate has, numbered anyway (the index numbers every tag it holds).
  idOf.set('unused', idOf.size);
  return { listOf, lists, ids, idOf };
}

describe('rankColumns with numbered tags', () => {
  it('scores, explains and orders exactly as with tag lists', () => {
    const random = prng(7);
    for (const query of [
      { terms: ['backup', 'nas'], tags: ['vpn'], now: NOW },
      { terms: ['backup'], tags: ['vpn', 'redis', 'nowhere'], now: NOW },
      { terms: ['nas', 'backup', 'nas'], tags: [], categories: ['database'], now: NOW },
      { terms: ['backup'], tags: ['linux', 'postgresql'], categories: ['database', 'cloud'], now: NOW },
      { terms: ['backup'], tags: [], now: NOW },
    ]) {
      const items = candidates(400, random);
      const stats = { docCount: 500, avgLength: 10 };
      const plain = rankColumns(query, candidateColumns(query.terms, items), stats);
      const columns = candidateColumns(query.terms, items);
      columns.numberedTags = numbered(items);
      columns.tags = () => { throw new Error('numbered tags are read by number'); };
      const byNumber = rankColumns(query, columns, stats);
      const shown = (r: typeof plain) => r.top(items.length).map((s) => ({ id: s.item.id, score: s.score, breakdown: s.breakdown }));
      expect(shown(byNumber)).toEqual(shown(plain));
    }
  });
});

describe('emptyColumns', () => {
  it('gives each column its own room (they share one buffer)', () => {
    for (const n of [0, 1, 3, 1201]) {
      const c = emptyColumns(n, ['a'], () => null);
      const columns = [c.textLength, c.contextLength, c.atMs, c.usage, c.relevance, c.pinned, c.scope];
      columns.forEach((column, k) => {
        expect(column.length).toBe(n);
        column.fill(k + 1);
      });
      columns.forEach((column, k) => expect(column.every((v) => v === k + 1)).toBe(true));
    }
  });
});
