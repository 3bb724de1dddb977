import { redactSecrets } from '../../memory/redact.js';
import { additionalContext, scopeOf, spawnFlusher, type Handler } from '../context.js';
import { requestJson } from '../http.js';
import { logProblem } from '../log.js';
import { readState } from '../state.js';

/** Recall waits this long at most: a slow answer is dropped and the prompt goes on without it. */
export const RECALL_TIMEOUT_MS = 800;

const ACKS = /^(?:y|yes|yep|yeah|n|no|nope|ok|okay|k|sure|thanks|thank you|thx|ty|continue|go on|go ahead|proceed|next|done|lgtm|do it|great|nice|cool|perfect|right|correct|agreed|please do|sounds good)[\s.!?,]*$/i;

/** A prompt with nothing to look up: an acknowledgement, a slash command, a few characters. */
export function isTrivialPrompt(prompt: string): boolean {
  const p = prompt.trim();
  return p.length < 8 || p.startsWith('/') || ACKS.test(p) || !/[A-Za-z0-9]{3}/.test(p);
}

/** Injects the memories relevant to the prompt, as dated facts within the budget; nothing when recall is slow or down. */
export const userPromptSubmit: Handler = async ({ env, config, input }) => {
  const prompt = typeof input.prompt === 'string' ? input.prompt : '';
  if (isTrivialPrompt(prompt) || !config.key) return '';
  // <private> spans and secrets never leave the machine, not even as a search query.
  const query = redactSecrets(prompt).trim().slice(0, 4000);
  let text = '';
  if (query.length >= 3) {
    try {
      const res = await requestJson(config, 'POST', '/api/memory/recall', {
        query, ...scopeOf(config, readState(env, input.session_id)), token_budget: config.recall_budget ?? 1000, limit: 10,
      }, RECALL_TIMEOUT_MS);
      if (res.status === 200) text = (res.body as { text?: string }).text ?? '';
      else logProblem(env, `recall: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    } catch (e) {
      logProblem(env, `recall: ${(e as Error).message}`);
    }
  }
  await spawnFlusher(env);
  return additionalContext('UserPromptSubmit', text);
};
