import { countTokens as cl100kCount, encode, decode } from 'gpt-tokenizer/encoding/cl100k_base';

/** Tokens of `text` as OpenAI's cl100k_base counts them: the unit every budget in ClaudeTools is in. */
export function countTokens(text: string): number {
  return text ? cl100kCount(text) : 0;
}

/** The longest prefix of `text` that fits in `budget` tokens. */
export function truncateToTokens(text: string, budget: number): string {
  if (budget <= 0) return '';
  const ids = encode(text);
  return ids.length <= budget ? text : decode(ids.slice(0, budget));
}
