import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { redactSecrets } from '../memory/redact.js';

/** One conversation turn as the ingest API takes it. */
export interface Turn { ref: string; role: 'user' | 'assistant' | 'system'; text: string; at?: string }

export interface TranscriptRead {
  turns: Turn[];
  /** Where the next read starts: just after the last complete line (a partial last line is read next time). */
  offset: number;
  /** Claude Code's own title for the session, when a summary line was seen. */
  title?: string;
  cwd?: string;
  gitBranch?: string;
  startedAt?: string;
}

const MAX_READ = 16 * 1024 * 1024;
const TOOL_ERROR_CHARS = 300;

/** Reminders and command wrappers Claude Code puts into user turns: not what the person said. */
const NOISE = /<(system-reminder|local-command-stdout|local-command-stderr|command-message)>[\s\S]*?<\/\1>/g;

/** Redacted before it is cut: a cut first could split a token (or a <private> block) so that it no longer matches. */
const oneLine = (s: unknown, max: number) => redactSecrets(typeof s === 'string' ? s : s == null ? '' : String(s)).replace(/\s+/g, ' ').trim().slice(0, max);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A tool call in one line, so every file touched and command run stays findable without storing its output. */
export function describeToolUse(name: string, given?: unknown): string {
  const input = isObject(given) ? given : {};
  const named = oneLine(input.file_path ?? input.notebook_path ?? input.path ?? '', 500);
  const path = named || undefined;
  const file = named || 'a file';
  const command = oneLine(input.command, 500);
  switch (name) {
    case 'Bash': return command ? `Ran \`${command}\`` : 'Ran a command';
    case 'Edit': case 'MultiEdit': return `Edited ${file}`;
    case 'Write': return `Wrote ${file}`;
    case 'NotebookEdit': return `Edited notebook ${file}`;
    case 'Read': return `Read ${file}`;
    case 'Grep': case 'Glob': return `Searched for ${oneLine(input.pattern, 200)}${path ? ` in ${path}` : ''}`;
    case 'WebFetch': return `Fetched ${oneLine(input.url, 300)}`;
    case 'WebSearch': return `Searched the web for ${oneLine(input.query, 200)}`;
    case 'Task': case 'Agent': return `Delegated: ${oneLine(input.description ?? input.prompt, 200)}`;
    case 'TodoWrite': return '';
    default: return `Used ${name}`;
  }
}

type Block = { type?: unknown; text?: unknown; name?: unknown; input?: unknown; content?: unknown; is_error?: unknown };

/** Only well-formed blocks: a `null`, a number or a string inside a content array is skipped. */
const blocksOf = (content: unknown): Block[] =>
  (typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content.filter(isObject) as Block[] : []);
const textOfResult = (content: unknown): string =>
  (typeof content === 'string' ? content : blocksOf(content).map((b) => (typeof b.text === 'string' ? b.text : '')).join(' '));

/**
 * Turns from complete JSONL lines. Kept: what the person typed, what Claude answered, one line per tool
 * call and the first words of a failed tool's error. Left out: thinking, tool output, images, sidechains
 * (subagents), meta lines and types we do not know. Consecutive lines of one assistant message become one turn.
 */
export function turnsFromLines(lines: string[], sessionId: string, into: Omit<TranscriptRead, 'turns' | 'offset'> = {}, startOffset = 0): Turn[] {
  const turns: Turn[] = [];
  let lastMessageId: string | undefined;
  let offset = startOffset;
  for (const line of lines) {
    const at = offset;
    offset += Buffer.byteLength(line) + 1;
    if (!line.trim()) continue;
    // One odd line (a null block, a number where text was, a tool call without input) is skipped, never
    // allowed to stop the read: the offset must move past it or capture would stop for the whole session.
    try {
      const rec = JSON.parse(line) as Record<string, any>;
      if (!isObject(rec)) continue;
      if (rec.type === 'summary' && typeof rec.summary === 'string') { into.title = oneLine(rec.summary, 300); continue; }
      if ((rec.type !== 'user' && rec.type !== 'assistant') || rec.isSidechain || rec.isMeta || !isObject(rec.message)) continue;
      if (typeof rec.cwd === 'string') into.cwd ??= rec.cwd;
      if (typeof rec.gitBranch === 'string') into.gitBranch ??= rec.gitBranch;
      if (typeof rec.timestamp === 'string') into.startedAt ??= rec.timestamp;
      const parts: string[] = [];
      for (const b of blocksOf(rec.message.content)) {
        if (b.type === 'text' && typeof b.text === 'string' && b.text) parts.push(b.text.replace(NOISE, '').trim());
        else if (b.type === 'tool_use' && typeof b.name === 'string' && b.name) parts.push(describeToolUse(b.name, b.input));
        else if (b.type === 'tool_result' && b.is_error === true) parts.push(`Tool error: ${oneLine(textOfResult(b.content), TOOL_ERROR_CHARS)}`);
      }
      const text = parts.filter(Boolean).join('\n');
      if (!text) continue;
      // Without a uuid the line's byte offset names it: unique in the file, the same on every read.
      const ref = `${sessionId}:${typeof rec.uuid === 'string' && rec.uuid ? rec.uuid : `@${at}`}`;
      const messageId = rec.type === 'assistant' && typeof rec.message.id === 'string' ? rec.message.id : undefined;
      const prev = turns.at(-1);
      if (messageId && messageId === lastMessageId && prev?.role === 'assistant') prev.text += `\n${text}`;
      else turns.push({ ref, role: rec.type, text, ...(typeof rec.timestamp === 'string' ? { at: rec.timestamp } : {}) });
      lastMessageId = messageId;
    } catch { /* an odd line: skipped for good */ }
  }
  return turns;
}

/**
 * Reads a transcript from a byte offset to its last complete line. Claude Code appends asynchronously, so
 * the last line may be half written: it is left for the next read. A file shorter than the offset was
 * replaced, and is read from the start.
 */
export function readTranscript(path: string, offset: number, sessionId: string): TranscriptRead {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = size < offset ? 0 : offset;
    const length = Math.min(size - start, MAX_READ);
    if (length <= 0) return { turns: [], offset: start };
    const buf = Buffer.alloc(length);
    const read = readSync(fd, buf, 0, length, start);
    const end = buf.subarray(0, read).lastIndexOf(0x0a);
    // A line longer than a whole read is skipped past (its tail then reads as one corrupt line, also skipped).
    if (end < 0) return { turns: [], offset: read === MAX_READ ? start + read : start };
    const meta: Omit<TranscriptRead, 'turns' | 'offset'> = {};
    const turns = turnsFromLines(buf.subarray(0, end).toString('utf8').split('\n'), sessionId, meta, start);
    return { ...meta, turns, offset: start + end + 1 };
  } finally {
    closeSync(fd);
  }
}
