import { countTokens as cl100kCount, encode, decode, setMergeCacheSize } from 'gpt-tokenizer/encoding/cl100k_base';

// The tokenizer remembers the pieces of words outside its vocabulary (identifiers, paths, hashes): by
// default 100,000 of them, ~10 MB that a server ingesting code transcripts fills and keeps. The commonest
// ten thousand keep most of the gain.
setMergeCacheSize(10_000);

/**
 * Recent counts by text. One ingested turn is counted several times on its way in (the batch's
 * tokens in, the chunker's size check, the stored item's size), and BPE is the dearest step of all.
 * Bounded by characters, not entries: it holds on to the texts themselves.
 */
const recent = new Map<string, number>();
const RECENT_MAX_CHARACTERS = 1_000_000;
const CACHEABLE_LENGTH = 20_000;
let recentCharacters = 0;

/** Tokens of `text` as OpenAI's cl100k_base counts them: the unit every budget in ClaudeTools is in. */
export function countTokens(text: string): number {
  if (!text) return 0;
  const known = recent.get(text);
  if (known !== undefined) return known;
  const n = cl100kCount(text);
  if (text.length <= CACHEABLE_LENGTH) {
    for (const oldest of recent.keys()) {
      if (recentCharacters + text.length <= RECENT_MAX_CHARACTERS) break;
      recent.delete(oldest);
      recentCharacters -= oldest.length;
    }
    recent.set(text, n);
    recentCharacters += text.length;
  }
  return n;
}

/** The longest prefix of `text` that fits in `budget` tokens. */
export function truncateToTokens(text: string, budget: number): string {
  if (budget <= 0) return '';
  const ids = encode(text);
  return ids.length <= budget ? text : decode(ids.slice(0, budget));
}
