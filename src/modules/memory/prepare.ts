import { contentHash } from '../../memory/hash.js';
import { encodeTerms, terms } from '../../memory/text.js';
import { countTokens } from '../../memory/tokens.js';

export type MemoryKind = 'conversation_context' | 'context_snippet' | 'decision_log';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string').join('\n') : '');

/** The text a row is recalled as, and the text it is found by (its main text plus titles, lists and tags). */
export function memoryText(kind: MemoryKind, row: Record<string, unknown>): { main: string; searchable: string } {
  switch (kind) {
    case 'context_snippet':
      return { main: str(row.dense_content), searchable: [row.title, row.dense_content, list(row.tags)].map(str).join('\n') };
    case 'conversation_context':
      return {
        main: [str(row.dense_summary), list(row.key_decisions), str(row.current_state)].filter(Boolean).join('\n') || str(row.title),
        searchable: [str(row.title), str(row.dense_summary), list(row.key_decisions), str(row.current_state), list(row.tags)].join('\n'),
      };
    case 'decision_log':
      return {
        main: [str(row.decision_text), row.rationale ? `Why: ${str(row.rationale)}` : '', row.alternatives_considered ? `Instead of: ${str(row.alternatives_considered)}` : ''].filter(Boolean).join('\n'),
        searchable: [str(row.decision_type), str(row.decision_text), str(row.rationale), str(row.alternatives_considered), list(row.tags)].join('\n'),
      };
  }
}

/** The columns the server derives from a memory's text: its dedup hash, its search terms and its size. */
export function prepareMemory(kind: MemoryKind, row: Record<string, unknown>): Record<string, unknown> {
  const { main, searchable } = memoryText(kind, row);
  const own = terms(searchable);
  return { content_hash: contentHash(main), search_terms: encodeTerms(own), term_count: own.length, tokens: countTokens(main) };
}
