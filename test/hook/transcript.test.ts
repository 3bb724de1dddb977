import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTranscript } from '../../src/hook/transcript.js';
import { jsonl, lines, SESSION } from './fixtures/transcript.js';

const file = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'ct-tr-')), `${SESSION}.jsonl`);
  writeFileSync(path, content);
  return path;
};

describe('Claude Code transcript reader', () => {
  it('keeps what was said and one line per tool call; drops thinking, tool output, sidechains, meta and unknown types', () => {
    const l = lines;
    const path = file(jsonl(l.snapshot, l.userText, l.assistantThinking, l.assistantToolUse, l.toolResult, l.assistantEdit, l.toolError,
      l.assistantDecision, l.sidechain, l.meta, l.system, l.unknown, l.future, l.summary, l.userImage));
    const read = readTranscript(path, 0, SESSION);
    expect(read.turns).toEqual([
      { ref: `${SESSION}:u1`, role: 'user', at: '2026-03-02T09:00:00.000Z', text: 'The NAS backup fails with ECONNREFUSED on port 5001. Can you check the firewall config?' },
      // a1 (thinking only) and a2 share message id msg_01: one turn, under the first line that had text.
      { ref: `${SESSION}:a2`, role: 'assistant', at: '2026-03-02T09:00:06.000Z', text: 'Let me look at the firewall rules.\nRan `iptables -L -n | grep 5001`' },
      { ref: `${SESSION}:a3`, role: 'assistant', at: '2026-03-02T09:00:08.000Z', text: 'Edited /home/dev/acme-portal/fw/rules.v4' },
      { ref: `${SESSION}:u3`, role: 'user', at: '2026-03-02T09:00:09.000Z', text: "Tool error: Exit code 1 sed: can't read /etc/fw.conf: No such file" },
      { ref: `${SESSION}:a4`, role: 'assistant', at: '2026-03-02T09:00:10.000Z', text: l.assistantDecision.message.content[0]!.text },
      { ref: `${SESSION}:u4`, role: 'user', at: '2026-03-02T09:01:00.000Z', text: 'Here is a screenshot of the Synology error' },
    ]);
    expect(read).toMatchObject({ title: 'Fix NAS backup firewall rule', cwd: '/home/dev/acme-portal', gitBranch: 'main', startedAt: '2026-03-02T09:00:00.000Z' });
    const all = JSON.stringify(read);
    for (const hidden of ['SECRET THOUGHTS', 'SUBAGENT PROMPT', 'META LINE', 'QUEUED', 'DROP tcp', 'ignore me', 'iVBOR']) expect(all).not.toContain(hidden);
  });

  it('leaves a truncated last line for the next read, and picks up where it stopped when the file grows', () => {
    const first = jsonl(lines.userText);
    const partial = JSON.stringify(lines.assistantToolUse);
    const path = file(first + partial.slice(0, 40));
    const one = readTranscript(path, 0, SESSION);
    expect(one.turns.map((t) => t.ref)).toEqual([`${SESSION}:u1`]);
    expect(one.offset).toBe(Buffer.byteLength(first));

    expect(readTranscript(path, one.offset, SESSION)).toEqual({ turns: [], offset: one.offset });

    appendFileSync(path, partial.slice(40) + '\n' + jsonl(lines.assistantEdit));
    const two = readTranscript(path, one.offset, SESSION);
    expect(two.turns.map((t) => t.ref)).toEqual([`${SESSION}:a2`, `${SESSION}:a3`]);
    expect(readTranscript(path, two.offset, SESSION).turns).toEqual([]);
  });

  it('skips a corrupt complete line and goes on; counts bytes, not characters', () => {
    const path = file(jsonl(lines.userText) + '{"type":"user", broken\n' + jsonl({ ...lines.userImage, message: { role: 'user', content: 'Grüße aus Köln: the ümlaut test' } }));
    const read = readTranscript(path, 0, SESSION);
    expect(read.turns.map((t) => t.text)).toEqual([expect.stringContaining('NAS backup'), 'Grüße aus Köln: the ümlaut test']);
    expect(read.offset).toBe(Buffer.byteLength(jsonl(lines.userText) + '{"type":"user", broken\n' + jsonl({ ...lines.userImage, message: { role: 'user', content: 'Grüße aus Köln: the ümlaut test' } })));
  });

  it('reads a replaced (shorter) file from the start', () => {
    const path = file(jsonl(lines.userText));
    expect(readTranscript(path, 10_000, SESSION).turns).toHaveLength(1);
  });
});
