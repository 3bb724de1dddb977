/** The JSON Claude Code writes on a hook's stdin (fields per event; see shared/design/claude-code.md). */
export interface HookInput {
  session_id: string;
  transcript_path?: string;
  cwd?: string;
  hook_event_name?: string;
  permission_mode?: string;
  source?: string;
  prompt?: string;
  tool_name?: string;
  tool_input?: unknown;
  tool_response?: unknown;
  tool_use_id?: string;
  error?: string;
  trigger?: string;
  reason?: string;
  stop_hook_active?: boolean;
  [key: string]: unknown;
}

/** Parses stdin; null when it is not an event we can use (then the hook does nothing and exits 0). */
export function parseInput(text: string): HookInput | null {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && typeof v.session_id === 'string' && v.session_id ? v : null;
  } catch { return null; }
}

/** `user-prompt-submit` → `UserPromptSubmit`, so the event can come from argv or from stdin. */
export const eventName = (arg: string | undefined) =>
  arg ? arg.split(/[-_]/).map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : '')).join('') : undefined;
