import { isDecisionSentence } from './decisions.js';
import { contentWords, dropFiller, earlierNearDuplicates, splitSentences, stemsOf } from './filler.js';
import { normalizeForHash } from './hash.js';
import { clip } from './clip.js';
import { extractTags } from './tags.js';
import { countTokens, truncateToTokens } from './tokens.js';
import type { Turn } from './types.js';

export interface CompressedConversation {
  title: string;
  dense_summary: string;
  key_decisions: string[];
  current_state: string;
  tags: string[];
  source_refs: string[];
}

/** One candidate sentence (or code line) of one turn. */
interface Unit {
  turn: number;
  /** Other turns that said the same thing (their repeat was dropped in favour of this unit). */
  repeats: number[];
  pos: number;
  text: string;
  score: number;
  tokens: number;
  decision: boolean;
  state: boolean;
}

const MAX_UNIT_TOKENS = 60;
const PATH = /(?:^|[\s`'"(=:])(?:[\w.@-]+\/)*[\w@-]{2,}\.[a-z][a-z0-9]{0,5}\b|(?:^|\s)(?:~|\.{1,2})?\/[\w.-]+(?:\/[\w.-]+)+/i;
const COMMAND_START = /^(?:\$\s*)?(?:npm|npx|pnpm|yarn|git|docker|kubectl|psql|mysql|node|python3?|pip3?|go|cargo|dotnet|curl|ssh|sudo|systemctl|journalctl|ipconfig|ping|nslookup|tracert|gpupdate|Get-\w+|Set-\w+|New-\w+)\s+\S/;
const COMMAND_INLINE = /`[^`]+`|\b(?:npm|npx|pnpm|git|docker|kubectl|psql|systemctl|gpupdate|ipconfig)\s+(?:run|install|ci|test|exec|commit|push|pull|checkout|status|log|diff|build|up|down|apply|get|describe|restart|logs|\/\w+|-{1,2}\w+)/i;
const ERROR_WORDS = /\b(?:errors?|fail(?:ed|s|ing|ure)?|exceptions?|crash\w*|broken|cannot|can't|couldn't|unable|refused|denied|time[sd] ?out|not found|undefined|traceback|stack trace|offline|drops?|dropping)\b/i;
const ERROR_CODES = /\bE[A-Z]{4,}\b|\b[A-Z]\w*(?:Error|Exception)\b|\bTS\d{4}\b|\b0x8[0-9A-Fa-f]{7}\b|\bERR_[A-Z_]+\b/;
const FIX = /\b(?:fix(?:ed|es)?|resolv(?:ed|es)|solved|works now|working now|pass(?:es|ing)|green|root cause|caused by|turned out|workaround|restored)\b/i;
const STATE = /\b(?:next|now|currently|working on|todo|to do|remaining|still|next step|going to|will|need to|needs to|plan|pending|in progress|blocked|waiting|left to|after that|tomorrow|follow[ -]up|then)\b/i;
const IDENT = /\b[a-z]+[A-Z]\w*|\b[A-Za-z]+_\w+|(?<=\s)[A-Z][\w-]*[A-Za-z0-9]/g;

/** `words` is the sentence's number of content words and `decision` whether it states one (both known to the caller). */
function scoreOf(text: string, code: boolean, words: number, decision: boolean): number {
  let score = 1 + Math.min(words, 10) * 0.2;
  const path = PATH.test(text);
  const command = COMMAND_START.test(text) || COMMAND_INLINE.test(text);
  const error = ERROR_WORDS.test(text) || ERROR_CODES.test(text);
  if (path) score += 3;
  if (command) score += 2.5;
  if (error) score += 2.5;
  if (FIX.test(text)) score += 2;
  if (decision) score += 3;
  score += Math.min((text.match(/\d+(?:[.:/-]\d+)*/g) ?? []).length, 3) * 0.5;
  score += Math.min((text.match(IDENT) ?? []).length, 3) * 0.5;
  if (code && !path && !command && !error) score *= 0.5;
  return score;
}

/** Whether a sentence is worth a place at all: two content words, or one with a path, command, error or number. */
function meaningful(text: string, n: number): boolean {
  if (n >= 2) return true;
  return n === 1 && (PATH.test(text) || COMMAND_START.test(text) || ERROR_CODES.test(text) || /\d/.test(text));
}

function unitsOf(turns: readonly Turn[]): { units: Unit[]; cleaned: string[] } {
  const cleaned: string[] = [];
  const pieces: Array<{ turn: number; text: string; code: boolean; content: string[] }> = [];
  for (const [t, turn] of turns.entries()) {
    let raw = turn.text ?? '';
    if (turn.speaker && raw.startsWith(`${turn.speaker}:`)) raw = raw.slice(turn.speaker.length + 1);
    const text = dropFiller(raw);
    cleaned.push(text);
    let inFence = false;
    for (const line of text.split('\n')) {
      const fences = line.split('```').length - 1;
      const code = inFence || fences > 0;
      if (fences % 2 === 1) inFence = !inFence;
      for (const piece of code ? [line.replace(/```\w*/g, '').trim()] : splitSentences(line)) {
        if (!piece) continue;
        const content = contentWords(piece);
        if (meaningful(piece, content.length)) pieces.push({ turn: t, text: piece, code, content });
      }
    }
  }
  // Repeated text: a piece equal (after normalization) or near-equal to an earlier one is dropped.
  const nearDup = earlierNearDuplicates(pieces.map((p) => stemsOf(p.content)));
  const byKey = new Map<string, Unit>();
  const unitOf: Array<Unit | undefined> = [];
  const units: Unit[] = [];
  for (const [i, { turn, text, code, content }] of pieces.entries()) {
    const key = normalizeForHash(text);
    const same = byKey.get(key) ?? (nearDup[i] >= 0 ? unitOf[nearDup[i]] : undefined);
    if (same) {
      if (same.turn !== turn && !same.repeats.includes(turn)) same.repeats.push(turn);
      unitOf[i] = same;
      continue;
    }
    const tokens = countTokens(text);
    const capped = tokens > MAX_UNIT_TOKENS ? `${truncateToTokens(text, MAX_UNIT_TOKENS).trimEnd()}…` : text;
    const decision = isDecisionSentence(text);
    const unit: Unit = {
      turn, repeats: [], pos: units.length, text: capped, score: scoreOf(text, code, content.length, decision), tokens: countTokens(capped),
      decision: !code && decision, state: !code && STATE.test(text),
    };
    units.push(unit);
    byKey.set(key, unit);
    unitOf[i] = unit;
  }
  return { units, cleaned };
}

function summaryText(units: readonly Unit[], turns: readonly Turn[]): string {
  const lines: string[] = [];
  let last = -1;
  for (const u of [...units].sort((a, b) => a.pos - b.pos)) {
    if (u.turn === last) lines[lines.length - 1] += ` ${u.text}`;
    else lines.push(`${turns[u.turn].speaker ? `${turns[u.turn].speaker}: ` : ''}${u.text}`);
    last = u.turn;
  }
  return lines.join('\n');
}

/** `u` shortened to `limit` tokens (ending in "…"), or null when fewer than 8 tokens would remain. */
function fitTo(u: Unit, limit: number): Unit | null {
  if (limit < 8) return null;
  if (u.tokens <= limit) return u;
  const text = `${truncateToTokens(u.text, limit - 1).trimEnd()}…`;
  const tokens = countTokens(text);
  return tokens <= limit ? { ...u, text, tokens } : null;
}

const byScore = (a: Unit, b: Unit) => b.score - a.score || a.pos - b.pos;

/**
 * A deterministic extractive summary of a conversation.
 * Filler (greetings, thanks, acknowledgements, "let me check", emoji) and repeated sentences are dropped;
 * the rest is ranked by what it carries (file paths, commands, errors, fixes, decisions, numbers, names).
 * maxTokens (default 400, cl100k) bounds dense_summary + key_decisions + current_state together:
 * key_decisions take up to 30% of it, current_state up to 20%, dense_summary the rest; a sentence
 * appears in only one of them. current_state is what the last turns say is under way or next.
 * source_refs are exactly the refs of the turns with a sentence in one of those three fields (a turn whose
 * sentence was dropped as a repeat of a kept one counts too), in turn order.
 * tags come from the whole conversation once filler is removed.
 */
export function compressConversation(turns: readonly Turn[], opts: { maxTokens?: number } = {}): CompressedConversation {
  const budget = Math.max(0, Math.floor(opts.maxTokens ?? 400));
  const { units, cleaned } = unitsOf(turns);
  const used = new Set<Unit>();

  const decisions: Unit[] = [];
  let decisionTokens = 0;
  for (const u of units.filter((x) => x.decision).sort(byScore)) {
    if (decisionTokens + u.tokens > budget * 0.3) continue;
    decisions.push(u);
    used.add(u);
    decisionTokens += u.tokens;
  }
  const topDecision = units.filter((x) => x.decision).sort(byScore)[0];
  if (!decisions.length && topDecision) {
    const cut = fitTo(topDecision, Math.floor(budget * 0.3));
    if (cut) { decisions.push(cut); used.add(topDecision); decisionTokens = cut.tokens; }
  }
  decisions.sort((a, b) => a.pos - b.pos);

  const lastTurns = [...new Set(units.map((u) => u.turn))].slice(-3);
  const recent = units.filter((u) => lastTurns.includes(u.turn) && !used.has(u));
  let stateUnits = recent.filter((u) => u.state).slice(-2);
  if (!stateUnits.length && recent.length) stateUnits = [recent[recent.length - 1]];
  const state: Unit[] = [];
  let stateTokens = 0;
  for (const u of [...stateUnits].reverse()) {
    if (stateTokens + u.tokens + 1 > budget * 0.2) continue;
    state.unshift(u);
    used.add(u);
    stateTokens += u.tokens + 1;
  }
  const lastState = stateUnits[stateUnits.length - 1];
  if (!state.length && lastState) {
    const cut = fitTo(lastState, Math.floor(budget * 0.2));
    if (cut) { state.push(cut); used.add(lastState); }
  }

  const summaryBudget = () => budget - decisions.reduce((n, u) => n + countTokens(u.text), 0) - countTokens(state.map((u) => u.text).join(' '));
  const chosen: Unit[] = [];
  let estimate = 0;
  const remaining = summaryBudget();
  for (const u of units.filter((x) => !used.has(x)).sort(byScore)) {
    const cost = u.tokens + 1 + (turns[u.turn].speaker ? countTokens(`${turns[u.turn].speaker}: `) : 0);
    if (estimate + cost > remaining) continue;
    chosen.push(u);
    estimate += cost;
  }
  let dense_summary = summaryText(chosen, turns);
  while (chosen.length && countTokens(dense_summary) > remaining) {
    chosen.sort(byScore).pop();
    dense_summary = summaryText(chosen, turns);
  }

  const all = [...chosen, ...decisions, ...state].sort((a, b) => a.pos - b.pos);
  const refs: string[] = [];
  const contributing = [...new Set(all.flatMap((u) => [u.turn, ...u.repeats]))].sort((a, b) => a - b);
  for (const t of contributing) {
    const ref = turns[t].ref;
    if (ref && !refs.includes(ref)) refs.push(ref);
  }
  const titleUnit = all.find((u) => turns[u.turn].role === 'user') ?? all[0];
  return {
    title: titleUnit ? clip(titleUnit.text.replace(/[.:;,!?\s]+$/, ''), 200) : '',
    dense_summary,
    key_decisions: decisions.map((u) => u.text),
    current_state: state.map((u) => u.text).join(' '),
    tags: extractTags(cleaned.join('\n')),
    source_refs: refs,
  };
}
