import { redactSecrets } from '../memory/redact.js';
import type { HookInput } from './input.js';
import type { SpoolEntry } from './spool.js';

const OUTPUT_HEAD = 800;
const OUTPUT_TAIL = 1600;

const lineCount = (s: unknown) => (typeof s === 'string' && s ? s.split('\n').length : 0);

/**
 * Output redacted, then bounded to its head and tail (where errors and results are). In that order: a cut
 * first could split a token, a PEM key or a <private> block so that redaction no longer recognises it.
 */
export function boundOutput(text: string): string {
  const t = redactSecrets(text).trim();
  const bounded = t.length <= OUTPUT_HEAD + OUTPUT_TAIL ? t : `${t.slice(0, OUTPUT_HEAD)}\n[… ${t.length - OUTPUT_HEAD - OUTPUT_TAIL} characters left out …]\n${t.slice(-OUTPUT_TAIL)}`;
  return bounded.slice(0, 4000);
}

const cleanCwd = (cwd: string | undefined) => (typeof cwd === 'string' ? redactSecrets(cwd).slice(0, 1000) : undefined);

/** `Exit code 127` at the start of a failed Bash tool's error. */
const exitCodeOf = (error: string) => { const m = /exit code:?\s*(-?\d+)/i.exec(error); return m ? Number(m[1]) : undefined; };

type Data = Record<string, unknown>;

/** The file change a tool made, from its input (and the response, which says whether Write created the file). */
function fileChange(tool: string, input: Data, response: Data): Data | null {
  const path = String(input.file_path ?? input.notebook_path ?? '');
  if (!path) return null;
  switch (tool) {
    case 'Edit':
      return { file_path: path, tool, change_type: 'modified', lines_added: lineCount(input.new_string), lines_removed: lineCount(input.old_string) };
    case 'MultiEdit': {
      const edits = Array.isArray(input.edits) ? (input.edits as Data[]) : [];
      return { file_path: path, tool, change_type: 'modified', summary: `${edits.length} edits`,
        lines_added: edits.reduce((n, e) => n + lineCount(e.new_string), 0), lines_removed: edits.reduce((n, e) => n + lineCount(e.old_string), 0) };
    }
    case 'Write':
      return { file_path: path, tool, change_type: response.type === 'create' ? 'created' : 'modified', lines_added: lineCount(input.content) };
    case 'NotebookEdit':
      return { file_path: path, tool, change_type: 'modified', summary: `cell ${input.edit_mode ?? 'replace'}` };
    default:
      return null;
  }
}

/** The command a Bash tool ran, how it ended and a bounded, redacted summary of what it printed. */
function commandRun(input: Data, response: Data | string, failureError: string | undefined, cwd: string | undefined): Data | null {
  const command = typeof input.command === 'string' ? redactSecrets(input.command).slice(0, 10_000) : '';
  if (!command.trim()) return null;
  if (failureError !== undefined) {
    return { command, cwd: cleanCwd(cwd), success: false, exit_code: exitCodeOf(failureError) ?? 1, output_summary: boundOutput(failureError) };
  }
  const r = typeof response === 'string' ? { stdout: response } : response;
  const code = [r.exit_code, r.exitCode, r.returnCode, r.code].find((c) => typeof c === 'number') as number | undefined;
  const failed = r.interrupted === true || (code !== undefined && code !== 0) || r.is_error === true;
  const output = [r.stdout, r.stderr].filter((s) => typeof s === 'string' && s).join('\n');
  return { command, cwd: cleanCwd(cwd), success: !failed, exit_code: code ?? (failed ? 1 : 0), ...(output ? { output_summary: boundOutput(output) } : {}) };
}

/**
 * The spool entry a PostToolUse (or PostToolUseFailure) event makes, or null for tools we do not record.
 * Its key comes from the tool_use_id, so the same call recorded twice (two installs) still lands once.
 */
export function toolEvent(input: HookInput, at: string): SpoolEntry | null {
  const tool = String(input.tool_name ?? '');
  const toolInput = (input.tool_input ?? {}) as Data;
  const response = (input.tool_response ?? {}) as Data | string;
  const failure = input.hook_event_name === 'PostToolUseFailure' ? String(input.error ?? 'failed') : undefined;
  const isCommand = tool === 'Bash';
  const data = isCommand ? commandRun(toolInput, response, failure, input.cwd) : failure === undefined ? fileChange(tool, toolInput, typeof response === 'string' ? {} : response) : null;
  if (!data) return null;
  const id = input.tool_use_id ? String(input.tool_use_id) : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  return { v: 1, key: `tool:${input.session_id}:${id}`.slice(0, 100), kind: 'event', at,
    body: { type: isCommand ? 'command_run' : 'file_change', at, session: input.session_id, data: JSON.parse(JSON.stringify(data)) } };
}
