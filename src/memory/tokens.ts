import { countTokens as cl100kCount, encode, decode } from 'gpt-tokenizer/encoding/cl100k_base';

/**
 * Recent counts by text. One ingested turn is counted several times on its way in (the batch's
 * tokens in, the chunker's size check, the stored item's size), and BPE is the dearest step of all.
 */
const recent = new Map<string, number>();
const RECENT_MAX = 2048;
const CACHEABLE_LENGTH = 20_000;

/** Tokens of `text` as OpenAI's cl100k_base counts them: the unit every budget in ClaudeTools is in. */
export function countTokens(text: string): number {
  if (!text) return 0;
  const known = recent.get(text);
  if (known !== undefined) return known;
  const n = cl100kCount(text);
  if (text.length <= CACHEABLE_LENGTH) {
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
    recent.set(text, n);
  }
  return n;
}

/** The longest prefix of `text` that fits in `budget` tokens. */
export function truncateToTokens(text: string, budget: number): string {
  if (budget <= 0) return '';
  const ids = encode(text);
  return ids.length <= budget ? text : decode(ids.slice(0, budget));
}
