import * as redact from '../memory/redact.js';
import * as events from './handlers/events.js';

/**
 * The parts of the hook a prompt rarely needs, loaded on first use. In the bundle (cli/hook-bundle.ts) each
 * is a separate esbuild output kept in dist/hook.cjs as a string literal and compiled only when asked for:
 * V8 pre-parses every function of a script at start (~37 µs per KB of minified code, measured on Node 20),
 * and scans a string literal five times faster, so a prompt pays only for the code it runs. Here, in the
 * sources (tests, the CLI), they are plain imports.
 *
 * - `redactor`: src/memory/redact.ts, for a prompt that may hold a secret (hook/secret-hint.ts).
 * - `eventHandlers`: every event but UserPromptSubmit, and the spool flusher; in the bundle its imports of
 *   memory/redact.ts are the `redactor` unit.
 *
 * Keep the two free of module state the hot part also holds: each unit has its own copy of the small
 * modules it shares with the rest of the bundle.
 */
export const redactor = (): typeof redact => redact;
export const eventHandlers = (): typeof events => events;
