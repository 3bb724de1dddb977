import * as crypto from 'node:crypto';

/** One-shot sha256 hex: crypto.hash (Node 20.12+) skips the Hash object, half the cost for short texts. */
export const sha256Hex: (text: string) => string = typeof crypto.hash === 'function'
  ? (text) => crypto.hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** Case, punctuation and spacing do not make content different. */
export function normalizeForHash(text: string): string {
  return text.toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** The exact-duplicate key of a memory's content: sha256 hex of its normalized text. */
export function contentHash(text: string): string {
  return sha256Hex(normalizeForHash(text));
}
