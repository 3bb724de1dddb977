import { describe, expect, it } from 'vitest';
import { createApiKeyCache, type CachedApiKey } from '../src/modules/auth/api-key-cache.js';

const entry = (key_id: string): CachedApiKey => ({
  key_id, key_digest: Buffer.from('ab', 'hex'), scopes: null, machine_id: null, expires_at: null, touched_at: 0,
  user: { id: 'u', email: 'u@example.test', role: 'admin', client_scope: null },
});

describe('the verified API key cache', () => {
  it('forgets an entry once its time is up', () => {
    const cache = createApiKeyCache({ ttlMs: 1000 });
    cache.set('p', entry('k'), 0, cache.generation());
    expect(cache.get('p', 999)?.key_id).toBe('k');
    expect(cache.get('p', 1000)).toBeUndefined();
  });

  it('holds at most max entries, dropping the oldest', () => {
    const cache = createApiKeyCache({ max: 2 });
    for (const p of ['a', 'b', 'c']) cache.set(p, entry(p), 0, cache.generation());
    expect([cache.get('a', 1), cache.get('b', 1)?.key_id, cache.get('c', 1)?.key_id]).toEqual([undefined, 'b', 'c']);
  });

  it('invalidate forgets everything, and a read that began before it is not kept', () => {
    const cache = createApiKeyCache();
    cache.set('a', entry('a'), 0, cache.generation());
    const readBegan = cache.generation();
    cache.invalidate();
    expect(cache.get('a', 1)).toBeUndefined();
    cache.set('b', entry('b'), 1, readBegan);
    expect(cache.get('b', 2)).toBeUndefined();
    cache.set('b', entry('b'), 1, cache.generation());
    expect(cache.get('b', 2)?.key_id).toBe('b');
  });
});
