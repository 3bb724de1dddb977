import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

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

const oneLine = (s: unknown, max: number) => String(s ?? '').replace(/\s+/g, ' ').trim().slice(0, max);

/** A tool call in one line, so every file touched and command run stays findable without storing its output. */
export function describeToolUse(name: string, input: Record<string, unknown> = {}): string {
  const path = input.file_path ?? input.notebook_path ?? input.path;
  switch (name) {
    case 'Bash': return `Ran \`${oneLine(input.command, 500)}\``;
    case 'Edit': case 'MultiEdit': return `Edited ${path}`;
    case 'Write': return `Wrote ${path}`;
    case 'NotebookEdit': return `Edited notebook ${path}`;
    case 'Read': return `Read ${path}`;
    case 'Grep': case 'Glob': return `Searched for ${oneLine(input.pattern, 200)}${path ? ` in ${path}` : ''}`;
    case 'WebFetch': return `Fetched ${oneLine(input.url, 300)}`;
    case 'WebSearch': return `Searched the web for ${oneLine(input.query, 200)}`;
    case 'Task': case 'Agent': return `Delegated: ${oneLine(input.description ?? input.prompt, 200)}`;
    case 'TodoWrite': return '';
    default: return `Used ${name}`;
  }
}

type Block = { type?: string; text?: string; name?: string; input?: Record<string, unknown>; content?: unknown; is_error?: boolean };

const blocksOf = (content: unknown): Block[] => (typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : []);
const textOfResult = (content: unknown): string => (typeof content === 'string' ? content : blocksOf(content).map((b) => b.text ?? '').join(' '));

/**
 * Turns from complete JSONL lines. Kept: what the person typed, what Claude answered, one line per tool
 * call and the first words of a failed tool's error. Left out: thinking, tool output, images, sidechains
 * (subagents), meta lines and types we do not know. Consecutive lines of one assistant message become one turn.
 */
export function turnsFromLines(lines: string[], sessionId: string, into: Omit<TranscriptRead, 'turns' | 'offset'> = {}): Turn[] {
  const turns: Turn[] = [];
  let lastMessageId: string | undefined;
  for (const line of lines) {
    if (!line.trim()) continue;
    let rec: Record<string, any>;
    try { rec = JSON.parse(line); } catch { continue; /* a corrupt complete line: skipped for good */ }
    if (!rec || typeof rec !== 'object') continue;
    if (rec.type === 'summary' && typeof rec.summary === 'string') { into.title = oneLine(rec.summary, 300); continue; }
    if ((rec.type !== 'user' && rec.type !== 'assistant') || rec.isSidechain || rec.isMeta || !rec.message) continue;
    into.cwd ??= rec.cwd;
    into.gitBranch ??= rec.gitBranch;
    into.startedAt ??= rec.timestamp;
    const parts: string[] = [];
    for (const b of blocksOf(rec.message.content)) {
      if (b.type === 'text' && b.text) parts.push(b.text.replace(NOISE, '').trim());
      else if (b.type === 'tool_use' && b.name) parts.push(describeToolUse(b.name, b.input));
      else if (b.type === 'tool_result' && b.is_error) parts.push(`Tool error: ${oneLine(textOfResult(b.content), TOOL_ERROR_CHARS)}`);
    }
    const text = parts.filter(Boolean).join('\n');
    if (!text) continue;
    const ref = `${sessionId}:${rec.uuid ?? turns.length}`;
    const messageId = rec.type === 'assistant' ? rec.message.id : undefined;
    const prev = turns.at(-1);
    if (messageId && messageId === lastMessageId && prev?.role === 'assistant') prev.text += `\n${text}`;
    else turns.push({ ref, role: rec.type, text, ...(typeof rec.timestamp === 'string' ? { at: rec.timestamp } : {}) });
    lastMessageId = messageId;
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
    const turns = turnsFromLines(buf.subarray(0, end).toString('utf8').split('\n'), sessionId, meta);
    return { ...meta, turns, offset: start + end + 1 };
  } finally {
    closeSync(fd);
  }
}
