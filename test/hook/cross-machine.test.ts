import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, newMachine, runHook, sessionId, setup, startTestServer, type Machine } from './support.js';

const turn = (uuid: string, type: 'user' | 'assistant', text: string, ts: string) => JSON.stringify({
  type, uuid, parentUuid: null, sessionId: 'x', timestamp: ts, cwd: '/x', isSidechain: false,
  message: type === 'user' ? { role: 'user', content: text } : { id: `msg_${uuid}`, role: 'assistant', content: [{ type: 'text', text }] },
}) + '\n';

/** Two computers, one server: what one machine's session decided reaches the other machine's next prompt. */
describe('cross-machine memory', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let a: Machine;
  let b: Machine;

  beforeAll(async () => {
    server = await startTestServer();
    a = newMachine();
    b = newMachine();
    setup(a, server.url, 'laptop-a');
    setup(b, server.url, 'desktop-b');
    a.cli(['project', 'add', '--name', 'Ledger', '--slug', 'ledger']);
  });
  afterAll(async () => { await server.stop(); });

  it('a decision saved in a session on machine A is injected on machine B\'s next prompt about it', async () => {
    expect(a.config().machine_id).not.toBe(b.config().machine_id);
    const sa = sessionId();
    const dirA = a.project('ledger');
    const transcript = join(a.claudeDir, 'projects', '-ledger', `${sa}.jsonl`);
    mkdirSync(join(transcript, '..'), { recursive: true });
    runHook(a, 'session-start', { session_id: sa, transcript_path: transcript, cwd: dirA, hook_event_name: 'SessionStart', source: 'startup' });
    writeFileSync(transcript,
      turn('u1', 'user', 'Which message queue should the ledger service use for settlement events?', '2026-03-02T09:00:00.000Z')
      + turn('a1', 'assistant', 'We decided to use NATS JetStream for the ledger settlement events because it keeps ordering per subject and runs on our existing cluster.', '2026-03-02T09:00:20.000Z'));
    expect(runHook(a, 'stop', { session_id: sa, transcript_path: transcript, cwd: dirA, hook_event_name: 'Stop', stop_hook_active: false }).code).toBe(0);

    await eventually(async () => expect((await api(a, 'POST', '/api/memory/recall', { query: 'ledger settlement events' })).text).toContain('NATS JetStream'));

    const sb = sessionId();
    const dirB = b.project('ledger');
    const start = runHook(b, 'session-start', { session_id: sb, transcript_path: join(b.claudeDir, 'x.jsonl'), cwd: dirB, hook_event_name: 'SessionStart', source: 'startup' });
    expect(JSON.parse(start.stdout).hookSpecificOutput.additionalContext).toContain('NATS JetStream');
    const prompt = runHook(b, 'user-prompt-submit', { session_id: sb, transcript_path: join(b.claudeDir, 'x.jsonl'), cwd: dirB, hook_event_name: 'UserPromptSubmit',
      prompt: 'What do we use for the settlement events of the ledger service?' });
    expect(prompt.code).toBe(0);
    const context = JSON.parse(prompt.stdout).hookSpecificOutput.additionalContext as string;
    expect(context).toContain('NATS JetStream');

    const sessions = (await api(b, 'GET', '/api/sessions?limit=10')).items;
    expect(sessions.find((s: any) => s.external_session_id === sa)?.machine_id).toBe(a.config().machine_id);
  });
});
