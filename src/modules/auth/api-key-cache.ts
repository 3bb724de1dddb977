/**
 * A short-lived memory of API keys that passed the database checks, so a machine's steady stream of
 * requests does not pay a join per request. Only a key's stored hash and what the actor is built from
 * are kept; every hit still checks the presented secret against the hash and the key's expiry.
 *
 * Anything that can change a key's answer (revoke, user update or delete, machine delete) calls
 * `invalidate()` after its commit, so this server refuses a revoked key at once. Another server or the
 * CLI writing the same database is seen within `ttlMs`.
 */
export interface CachedApiKey {
  key_id: string;
  /** The stored SHA-256 of the key's secret, as bytes (compared on every request). */
  key_digest: Buffer;
  scopes: string | null;
  machine_id: string | null;
  expires_at: string | null;
  /** When last_used_at was last written (ms), so the periodic touch needs no read. */
  touched_at: number;
  user: { id: string; email: string; role: string; client_scope: string | null };
}

export interface ApiKeyCache {
  get(prefix: string, now: number): CachedApiKey | undefined;
  /** Where a lookup began (see `set`). */
  generation(): number;
  /** Keeps an entry read from the database, unless an invalidation happened since that read began. */
  set(prefix: string, entry: CachedApiKey, now: number, readAtGeneration: number): void;
  invalidate(): void;
}

export function createApiKeyCache({ ttlMs = 5_000, max = 1_000 } = {}): ApiKeyCache {
  const entries = new Map<string, { entry: CachedApiKey; until: number }>();
  let generation = 0;
  return {
    get(prefix, now) {
      const hit = entries.get(prefix);
      if (!hit) return undefined;
      if (hit.until > now) return hit.entry;
      entries.delete(prefix);
      return undefined;
    },
    generation: () => generation,
    set(prefix, entry, now, readAtGeneration) {
      // A read that raced a revoke may carry the old row: it must not outlive the invalidation.
      if (readAtGeneration !== generation) return;
      if (entries.size >= max && !entries.has(prefix)) entries.delete(entries.keys().next().value!);
      entries.set(prefix, { entry, until: now + ttlMs });
    },
    invalidate() {
      generation++;
      entries.clear();
    },
  };
}
