import { describe, expect, it } from 'vitest';
import { Deduper } from '../../src/memory/dedupe.js';
import { contentHash } from '../../src/memory/hash.js';

describe('Deduper, exact duplicates', () => {
  it('calls two texts the same exactly when their content hashes are equal', () => {
    const texts = ['Hello, World!', 'hello world', '  HELLO   world ', 'hello worlds', 'ﬁle', 'file', 'Ｆｉｌｅ', 'café', 'cafe', 'café', '', '...', 'a-b', 'a b', 'ab'];
    for (const a of texts) {
      for (const b of texts) {
        const d = new Deduper();
        // No terms: the near-duplicate test stays out of it, only the exact one answers.
        expect(d.seen(a, [])).toBe(false);
        expect(d.seen(b, [])).toBe(contentHash(a) === contentHash(b));
      }
    }
  });
});
