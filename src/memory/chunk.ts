import { redactSecrets } from './redact.js';
import { terms } from './text.js';
import { countTokens } from './tokens.js';
import type { Turn } from './types.js';

/** One stored piece of a conversation: a turn, or a part of a long turn, with the words around it. */
export interface TurnPiece {
  ref: string;
  speaker: string | null;
  role: Turn['role'] | null;
  at: string | null;
  text: string;
  terms: string[];
  /** Terms of the neighbouring turns: a reply is found by the question it answers, and the other way round. */
  contextTerms: string[];
}

export interface ChunkOptions {
  /** A turn longer than this is split at paragraph and sentence ends. */
  maxPieceTokens: number;
  /** How many turns on each side lend their words as context. */
  neighbours: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxPieceTokens: 300, neighbours: 2 };

/** Splits long text at paragraph, then sentence, then line ends into pieces of at most `max` tokens. */
export function splitText(text: string, max: number): string[] {
  if (countTokens(text) <= max) return [text];
  const units = text.split(/\n{2,}/).flatMap((p) => (countTokens(p) <= max ? [p] : p.split(/(?<=[.!?])\s+|\n/)));
  const pieces: string[] = [];
  let current = '';
  for (const unit of units) {
    const candidate = current ? `${current}\n${unit}` : unit;
    if (countTokens(candidate) <= max) { current = candidate; continue; }
    if (current) pieces.push(current);
    // A single unit over the limit (a huge log line) is cut by characters: about 4 per token.
    if (countTokens(unit) > max) { for (let i = 0; i < unit.length; i += max * 3) pieces.push(unit.slice(i, i + max * 3)); current = ''; }
    else current = unit;
  }
  if (current) pieces.push(current);
  return pieces.filter((p) => p.trim());
}

/**
 * Turns -> searchable pieces. Secrets are redacted and private blocks dropped first; a turn left
 * empty stores nothing (and so is referenced by nothing).
 */
export function chunkTurns(turns: readonly Turn[], options: ChunkOptions = DEFAULT_CHUNKING): TurnPiece[] {
  return chunkRedactedTurns(turns.map((t) => ({ ...t, text: redactSecrets(t.text) })), options);
}

/** `chunkTurns` for turns whose text `redactSecrets` has already cleaned (ingest redacts each turn once for every stage). */
export function chunkRedactedTurns(turns: readonly Turn[], options: ChunkOptions = DEFAULT_CHUNKING): TurnPiece[] {
  // Runs of spaces and tabs to one space, written to match only runs that change (a tab, or two or more):
  // `/[ \t]+/` matched, and copied, every single space between words.
  const cleaned = turns.map((t) => ({ ...t, text: t.text.replace(/\t[ \t]*| [ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim() }));
  const turnTerms = cleaned.map((t) => terms(t.text));
  const pieces: TurnPiece[] = [];
  cleaned.forEach((turn, i) => {
    if (!turn.text) return;
    // Concatenated by hand: Array.prototype.flat is V8's slow generic path (and push(...t) overflows on huge turns).
    const contextTerms: string[] = [];
    for (const near of [...turnTerms.slice(Math.max(0, i - options.neighbours), i), ...turnTerms.slice(i + 1, i + 1 + options.neighbours)]) {
      for (const term of near) contextTerms.push(term);
    }
    const texts = splitText(turn.text, options.maxPieceTokens);
    for (const text of texts) {
      // A turn kept whole already has its terms.
      const pieceTerms = texts.length === 1 && text === turn.text ? turnTerms[i]! : terms(text);
      pieces.push({ ref: turn.ref, speaker: turn.speaker ?? null, role: turn.role ?? null, at: turn.at ?? null, text, terms: pieceTerms, contextTerms });
    }
  });
  return pieces;
}
