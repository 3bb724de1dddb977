/** Every handler but UserPromptSubmit's, and the flusher: loaded on first use (hook/units.ts). */
export { postToolUse, saveTurns, sessionEnd } from './capture-events.js';
export { sessionStart } from './session-start.js';
export { flush } from '../flush.js';
