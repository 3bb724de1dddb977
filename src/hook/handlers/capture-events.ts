import { captureTranscript } from '../capture.js';
import { spawnFlusher, type Handler } from '../context.js';
import { flush } from '../flush.js';
import { newKey, spool } from '../spool.js';
import { toolEvent } from '../tool-events.js';

/** PostToolUse and PostToolUseFailure (async in settings, so Claude never waits): spool the change or command, then deliver. */
export const postToolUse: Handler = async (ctx) => {
  const entry = toolEvent(ctx.input, ctx.at);
  if (!entry) return;
  spool(ctx.env, [entry]);
  await flush(ctx.env, ctx.config, { deadlineMs: 5000, timeoutMs: 3000 });
};

/** Stop and PreCompact: spool the turns the transcript gained since the last save, then deliver. Never any output: on Stop it would continue the conversation. */
export const saveTurns: Handler = async (ctx) => {
  captureTranscript(ctx);
  await flush(ctx.env, ctx.config, { deadlineMs: 10_000, timeoutMs: 5000 });
};

/** SessionEnd shares a 1.5 s budget: the last turns and the end are spooled, and delivered by a background flush. */
export const sessionEnd: Handler = async (ctx) => {
  captureTranscript(ctx);
  spool(ctx.env, [{ v: 1, key: newKey('se'), kind: 'event', at: ctx.at,
    body: { type: 'session_end', at: ctx.at, session: ctx.input.session_id, data: { ...(ctx.input.reason ? { reason: String(ctx.input.reason).slice(0, 50) } : {}) } } }]);
  spawnFlusher(ctx.env);
};
