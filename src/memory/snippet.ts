import { contentWords, dropFiller, splitSentences } from './filler.js';
import { extractTags } from './tags.js';
import { clip } from './clip.js';

export interface Snippet { title: string; dense_content: string; category: string; tags: string[] }

/**
 * A title (≤ `max` chars) from the first prose sentence with at least two content words; failing that the
 * first line of code, failing that the first sentence.
 */
export function titleFrom(text: string, max = 200): string {
  const prose: string[] = [];
  const code: string[] = [];
  let inFence = false;
  for (const line of text.split(/\r?\n/)) {
    const fences = line.split('```').length - 1;
    const isCode = inFence || fences > 0;
    if (fences % 2 === 1) inFence = !inFence;
    if (isCode) {
      const c = line.replace(/```\w*/g, '').trim();
      if (c) code.push(c);
    } else prose.push(...splitSentences(line));
  }
  const first = prose.find((s) => contentWords(s).length >= 2) ?? code[0] ?? prose[0] ?? '';
  return clip(first.replace(/^[#>*\s-]+/, '').replace(/[.:;,!?\s]+$/, ''), max);
}

/**
 * A dense, tagged snippet: dense_content is `text` without filler, repeated sentences or redundant
 * whitespace; the title is its first meaningful sentence (≤ 200 chars); category is trimmed and lowercased.
 */
export function createSnippet(text: string, category: string): Snippet {
  const seen = new Set<string>();
  const lines: string[] = [];
  let inFence = false;
  for (const line of dropFiller(text).split('\n')) {
    const fences = line.split('```').length - 1;
    if (inFence || fences > 0) {
      if (fences % 2 === 1) inFence = !inFence;
      lines.push(line);
      continue;
    }
    const kept = splitSentences(line).filter((s) => {
      const key = s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (kept.length) lines.push(kept.join(' '));
  }
  const dense_content = lines.join('\n');
  return {
    title: titleFrom(dense_content),
    dense_content,
    category: category.trim().toLowerCase().slice(0, 100),
    tags: extractTags(dense_content),
  };
}
