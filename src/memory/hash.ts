import { createHash } from 'node:crypto';

/** Case, punctuation and spacing do not make content different. */
export function normalizeForHash(text: string): string {
  return text.toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** The exact-duplicate key of a memory's content: sha256 hex of its normalized text. */
export function contentHash(text: string): string {
  return createHash('sha256').update(normalizeForHash(text)).digest('hex');
}
