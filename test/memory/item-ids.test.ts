import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ItemIds } from '../../src/modules/memory/item-ids.js';

describe('item ids', () => {
  it('finds each (kind, id) among thousands, after deletes and re-adds, and gives every id back as it was', () => {
    const ids = new ItemIds();
    const n = 20_000;
    ids.grow(2 * n);
    // The same UUID in two kinds is two items; ids in other forms are kept as given.
    const shared = randomUUID();
    const list = Array.from({ length: n }, (_, i) => (i === 0 || i === 1 ? shared : i % 1000 === 7 ? `Legacy-${i}` : i % 1000 === 8 ? randomUUID().toUpperCase() : randomUUID()));
    list.forEach((id, slot) => ids.set(slot, slot % 3, id));
    list.forEach((id, slot) => {
      expect(ids.get(slot % 3, id)).toBe(slot);
      expect(ids.idOf(slot)).toBe(id);
    });
    expect(ids.get(2, shared)).toBeUndefined();
    expect(ids.get(0, randomUUID())).toBeUndefined();
    expect(ids.get(0, shared.toUpperCase())).toBeUndefined();
    // Delete every other item, then add them back in new slots: lookups probe past the deleted marks.
    list.forEach((id, slot) => { if (slot % 2) ids.delete(slot % 3, id); });
    list.forEach((id, slot) => expect(ids.get(slot % 3, id)).toBe(slot % 2 ? undefined : slot));
    // A deleted item's slot still names its id: a search in flight may show it.
    expect(ids.idOf(7007)).toBe('Legacy-7007');
    list.forEach((id, slot) => { if (slot % 2) ids.set(n + slot, slot % 3, id); });
    list.forEach((id, slot) => expect(ids.get(slot % 3, id)).toBe(slot % 2 ? n + slot : slot));
  });

  it('reads only canonical UUIDs as bits: near misses are other ids, kept as given', () => {
    const ids = new ItemIds();
    const uuid = '0190f3c2-7a1b-7c3d-8e4f-a0b1c2d3e4f5';
    const nearMisses = [uuid.replace(/-/g, ''), `${uuid}0`, uuid.replace('-', '_'), uuid.replace('a', 'g'), `{${uuid.slice(1)}}`.slice(0, 36), ''];
    [uuid, ...nearMisses].forEach((id, slot) => ids.set(slot, 0, id));
    [uuid, ...nearMisses].forEach((id, slot) => {
      expect(ids.get(0, id)).toBe(slot);
      expect(ids.idOf(slot)).toBe(id);
    });
  });
});
