import { additionalContext, scopeOf, spawnFlusher, type Handler } from '../context.js';
import { requestOnce } from '../http-once.js';
import { logProblem } from '../log.js';
import { mayHoldSecret } from '../secret-hint.js';
import { stateOrNew, writeState } from '../state.js';
import { redactor } from '../units.js';

/** Recall waits this long at most: a slow answer is dropped and the prompt goes on without it. */
export const RECALL_TIMEOUT_MS = 800;

/**
 * Acknowledgements, any case, with trailing spaces and punctuation. A set, not one regex of 33 alternatives
 * with the `i` flag: compiling that took ~0.2 ms of every prompt.
 */
const ACKS = new Set(['y', 'yes', 'yep', 'yeah', 'n', 'no', 'nope', 'ok', 'okay', 'k', 'sure', 'thanks', 'thank you', 'thx', 'ty',
  'continue', 'go on', 'go ahead', 'proceed', 'next', 'done', 'lgtm', 'do it', 'great', 'nice', 'cool', 'perfect', 'right',
  'correct', 'agreed', 'please do', 'sounds good']);

const TRAILING = /[\s.!?,]/;

function isAck(p: string): boolean {
  let end = p.length;
  while (end > 0 && TRAILING.test(p[end - 1]!)) end--;
  const words = p.slice(0, end);
  // ASCII only, as the `i` flag matched: toLowerCase would also turn the Kelvin sign into a k.
  return words.length <= 11 && /^[\x20-\x7e]*$/.test(words) && ACKS.has(words.toLowerCase());
}

/** A prompt with nothing to look up: an acknowledgement, a slash command, a few characters. */
export function isTrivialPrompt(prompt: string): boolean {
  const p = prompt.trim();
  return p.length < 8 || p.startsWith('/') || isAck(p) || !/[A-Za-z0-9]{3}/.test(p);
}

/** How many injected item ids a session remembers, to leave out what Claude already has in its context. */
const REMEMBERED_INJECTIONS = 200;

/**
 * Injects the memories relevant to the prompt, as dated facts within the budget; nothing when recall is slow
 * or down, and nothing when every memory found was already injected earlier in this session (it is still in
 * Claude's context; a compaction or resume forgets that, see session-start). Only what the request needs
 * comes before it; the spool is looked at (and a background flush started) while the server recalls.
 */
export const userPromptSubmit: Handler = async ({ env, config, input }) => {
  const prompt = typeof input.prompt === 'string' ? input.prompt : '';
  if (isTrivialPrompt(prompt) || !config.key) return '';
  // <private> spans and secrets never leave the machine, not even as a search query. Plain prose, which no
  // redaction pass can change, skips loading the redactor.
  const query = (mayHoldSecret(prompt) ? redactor().redactSecrets(prompt) : prompt).trim().slice(0, 4000);
  if (query.length < 3) {
    spawnFlusher(env);
    return '';
  }
  const state = stateOrNew(env, input.session_id);
  // On the wire when requestOnce returns; its failure is awaited (and logged) below.
  const recall = requestOnce(config, 'POST', '/api/memory/recall', {
    query, ...scopeOf(config, state), token_budget: config.recall_budget ?? 1000, limit: 10,
  }, RECALL_TIMEOUT_MS).then((res) => res, (e: Error) => e);
  spawnFlusher(env);
  const res = await recall;
  if (res instanceof Error) {
    logProblem(env, `recall: ${res.message}`);
    return '';
  }
  if (res.status !== 200) {
    logProblem(env, `recall: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return '';
  }
  const answer = res.body as { text?: string; items?: { id: string }[] };
  const seen = new Set(state.injected ?? []);
  const ids = (answer.items ?? []).map((i) => i.id);
  if (!ids.some((id) => !seen.has(id))) return '';
  try {
    writeState(env, { ...state, injected: [...new Set([...(state.injected ?? []), ...ids])].slice(-REMEMBERED_INJECTIONS) });
  } catch (e) {
    logProblem(env, `recall: ${(e as Error).message}`);
  }
  return additionalContext('UserPromptSubmit', answer.text ?? '');
};
