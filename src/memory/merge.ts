import { contentStems, contentWords, isNearDuplicate, splitSentences } from './filler.js';
import { normalizeForHash } from './hash.js';
import { clip } from './clip.js';
import { titleFrom } from './snippet.js';

export interface MergeItem {
  title?: string | null;
  text: string;
  tags?: string[];
  source_refs?: string[];
  created_at?: string;
}

export interface MergedItem { title: string; text: string; tags: string[]; source_refs: string[]; created_at?: string }

interface Kept { text: string; key: string; stems: Set<string>; size: number }

function earliest(dates: Array<string | undefined>): string | undefined {
  let best: string | undefined;
  let bestTime = Number.POSITIVE_INFINITY;
  for (const d of dates) {
    if (!d) continue;
    const t = Date.parse(d);
    const time = Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
    if (best === undefined || time < bestTime || (time === bestTime && time === Number.POSITIVE_INFINITY && d < best)) {
      best = d;
      bestTime = time;
    }
  }
  return best;
}

function union(lists: Array<string[] | undefined>, normalize: (s: string) => string): string[] {
  const out: string[] = [];
  for (const list of lists) for (const raw of list ?? []) {
    const v = normalize(raw);
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * One item from many, in the order given. Sentences are kept once: an exact duplicate (after case,
 * punctuation and spacing normalization) is dropped; of two near-duplicates (≥ 75% of their stemmed
 * content words shared) the one with more content words is kept, in the earlier one's place.
 * Each item's surviving sentences form one line. Tags (lowercased) and source refs are unioned in order
 * of first appearance; title is the first non-empty title, else the first meaningful sentence;
 * created_at is the earliest parseable time (absent when no item has one).
 */
export function mergeContexts(items: ReadonlyArray<MergeItem>): MergedItem {
  const perItem: Kept[][] = [];
  const all: Kept[] = [];
  for (const item of items) {
    const kept: Kept[] = [];
    for (const sentence of splitSentences(item.text ?? '')) {
      const key = normalizeForHash(sentence);
      if (!key) continue;
      const stems = contentStems(sentence);
      const size = contentWords(sentence).length;
      const same = all.find((k) => k.key === key || isNearDuplicate(k.stems, stems));
      if (same) {
        if (same.key !== key && size > same.size) Object.assign(same, { text: sentence, key, stems, size });
        continue;
      }
      const k = { text: sentence, key, stems, size };
      kept.push(k);
      all.push(k);
    }
    perItem.push(kept);
  }
  const text = perItem.map((kept) => kept.map((k) => k.text).join(' ')).filter(Boolean).join('\n');
  const given = items.map((i) => (i.title ?? '').trim()).find(Boolean);
  const title = given ? clip(given, 200) : titleFrom(text);
  const created_at = earliest(items.map((i) => i.created_at));
  const merged: MergedItem = {
    title,
    text,
    tags: union(items.map((i) => i.tags), (t) => t.trim().toLowerCase()),
    source_refs: union(items.map((i) => i.source_refs), (r) => r.trim()),
  };
  if (created_at !== undefined) merged.created_at = created_at;
  return merged;
}
