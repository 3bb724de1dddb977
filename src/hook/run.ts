import type { Handler, HookContext } from './context.js';
import { isoNow, loadConfig, type Env } from './env.js';
import { optedOut } from './git.js';
import { userPromptSubmit } from './handlers/user-prompt-submit.js';
import { eventName, parseInput } from './input.js';
import { logProblem } from './log.js';
import { eventHandlers } from './units.js';

/** UserPromptSubmit, which Claude waits for at every prompt, is part of the bundle's start; the others load on first use. */
const HANDLERS: Record<string, Handler> = {
  SessionStart: (ctx) => eventHandlers().sessionStart(ctx),
  UserPromptSubmit: userPromptSubmit,
  PostToolUse: (ctx) => eventHandlers().postToolUse(ctx),
  PostToolUseFailure: (ctx) => eventHandlers().postToolUse(ctx),
  Stop: (ctx) => eventHandlers().saveTurns(ctx),
  PreCompact: (ctx) => eventHandlers().saveTurns(ctx),
  SessionEnd: (ctx) => eventHandlers().sessionEnd(ctx),
};

export const HOOK_EVENTS = Object.keys(HANDLERS);

/**
 * Runs one hook event and returns what to print on stdout (often nothing). It never throws: every problem
 * is logged to ~/.claudetools/logs and the hook answers with nothing, so Claude Code carries on.
 * Paused, or in a project with a `.claudetools-ignore`: nothing is captured or injected.
 */
export async function runHook(arg: string | undefined, stdin: string, env: Env): Promise<string> {
  try {
    const input = parseInput(stdin);
    if (!input) {
      logProblem(env, `hook ${arg ?? '?'}: stdin is not a hook event`);
      return '';
    }
    const event = input.hook_event_name ?? eventName(arg) ?? '';
    const handler = HANDLERS[event];
    if (!handler) return '';
    const config = loadConfig(env);
    if (config.paused || optedOut(input.cwd)) return '';
    const ctx: HookContext = { env, config, input: { ...input, hook_event_name: event }, at: isoNow() };
    return (await handler(ctx)) ?? '';
  } catch (e) {
    logProblem(env, `hook ${arg ?? '?'}: ${(e as Error).stack ?? e}`);
    return '';
  }
}
