import { contentHash } from '../../memory/hash.js';
import { encodeTerms, terms } from '../../memory/text.js';
import { countTokens } from '../../memory/tokens.js';
import type { MemoryKind } from '../context/tag-index.js';

export type { MemoryKind } from '../context/tag-index.js';

/** The fields that make up an item's text, in the order recall shows them. */
const TEXT_FIELDS: Record<MemoryKind, readonly string[]> = {
  conversation_context: ['title', 'dense_summary', 'key_decisions', 'current_state'],
  context_snippet: ['title', 'dense_content'],
  decision_log: ['decision_text', 'rationale', 'alternatives_considered'],
};

/** An item's text: its text fields joined by lines, lists one entry a line. */
export function memoryText(kind: MemoryKind, row: Record<string, unknown>): string {
  return TEXT_FIELDS[kind].flatMap((k) => {
    const v = row[k];
    return Array.isArray(v) ? v.map(String) : v == null || v === '' ? [] : [String(v)];
  }).join('\n');
}

/**
 * What an item is found by: for a decision its type, its text, its tags. The parts are joined by lines,
 * which no word spans, so their terms are simply concatenated (and the text's reused when the caller has them).
 */
function searchTerms(kind: MemoryKind, row: Record<string, unknown>, textTerms: readonly string[]): string[] {
  const type = kind === 'decision_log' ? terms(String(row.decision_type ?? '')) : [];
  const tags = Array.isArray(row.tags) ? terms(row.tags.join('\n')) : [];
  return [...type, ...textTerms, ...tags];
}

/** An id as one full-text token (no dashes, so every tokenizer keeps it whole), tagged with what it names. */
const scopeToken = (prefix: 'pzq' | 'czq', id: string) => `${prefix}${id.replaceAll('-', '')}`;
export const GLOBAL_SCOPE_TOKEN = 'gzqglobal';

/** The tokens that put an item in its scope within the full-text index: its project, its client, or global. */
export function scopeTerms(projectId: unknown, clientId: unknown): string {
  const tokens = [projectId ? scopeToken('pzq', String(projectId)) : '', clientId ? scopeToken('czq', String(clientId)) : ''].filter(Boolean);
  return tokens.length ? tokens.join(' ') : GLOBAL_SCOPE_TOKEN;
}

/** The tokens a recall in this scope accepts: the project's items, the client's, and global ones. */
export function scopeQueryTerms(projectId: string | null | undefined, clientId: string | null | undefined): string[] {
  if (!projectId && !clientId) return [];
  return [projectId ? scopeToken('pzq', projectId) : '', clientId ? scopeToken('czq', clientId) : '', GLOBAL_SCOPE_TOKEN].filter(Boolean);
}

/**
 * The columns the server derives from a memory: its dedup hash, its search terms, its size and its scope tokens.
 * `textTerms` are `terms(memoryText(kind, row))` when the caller already has them (ingest's chunker does).
 */
export function prepareMemory(kind: MemoryKind, row: Record<string, unknown>, textTerms?: readonly string[]): Record<string, unknown> {
  const text = memoryText(kind, row);
  const own = searchTerms(kind, row, textTerms ?? terms(text));
  return { content_hash: contentHash(text), search_terms: encodeTerms(own), term_count: own.length, tokens: countTokens(text),
    scope_terms: scopeTerms(row.project_id, row.client_id) };
}
