/**
 * A deterministic 128-bit hash (four 32-bit FNV-1a lanes with different seeds) as 32 hex characters. For
 * idempotency keys, where the same input must give the same key; not for anything secret. Avoids loading
 * node:crypto into the hook process.
 */
export function stableHash(text: string): string {
  const seeds = [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b];
  return seeds.map((seed, lane) => {
    let h = seed >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i) + lane;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, '0');
  }).join('');
}
