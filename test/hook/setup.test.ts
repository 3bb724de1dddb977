import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonl, lines, SESSION } from './fixtures/transcript.js';
import { api, cli, newMachine, setup, startTestServer, type Machine } from './support.js';

const existing = {
  model: 'sonnet',
  permissions: { allow: ['Bash(git status)'] },
  statusLine: { type: 'command', command: '~/bin/status.sh' },
  hooks: {
    Stop: [{ hooks: [{ type: 'command', command: 'afplay /System/Library/Sounds/Glass.aiff' }] }],
    PostToolUse: [{ matcher: 'Edit', hooks: [{ type: 'command', command: 'npx prettier --write .' }] }],
  },
};

describe('setup, uninstall and import on a real home', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let m: Machine;
  const settingsFile = () => join(m.claudeDir, 'settings.json');
  const settings = () => JSON.parse(readFileSync(settingsFile(), 'utf8'));

  beforeAll(async () => { server = await startTestServer(); });
  afterAll(async () => { await server.stop(); });

  it('merges into an existing settings.json with a backup, is a no-op the second time, and uninstall restores it', () => {
    m = newMachine();
    mkdirSync(m.claudeDir, { recursive: true });
    writeFileSync(settingsFile(), JSON.stringify(existing, null, 2));
    const first = setup(m, server.url);
    expect(first.stdout).toContain('Hooks installed');
    const hookFile = m.config().hook_file;
    expect(hookFile).toBe(join(m.ctHome, 'bin', 'hook.cjs'));
    expect(existsSync(hookFile)).toBe(true);
    const after = settings();
    expect(after).toMatchObject({ model: 'sonnet', permissions: existing.permissions, statusLine: existing.statusLine });
    expect(after.hooks.Stop[0]).toEqual(existing.hooks.Stop[0]);
    expect(after.hooks.PostToolUse[0]).toEqual(existing.hooks.PostToolUse[0]);
    // Plain node (found on PATH), not this node's absolute path: a node upgrade must not break the hooks.
    expect(after.hooks.UserPromptSubmit[0].hooks[0].command).toBe(`node ${hookFile} user-prompt-submit`);
    const backups = readdirSync(m.claudeDir).filter((f) => f.startsWith('settings.json.claudetools-backup-'));
    expect(backups).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(m.claudeDir, backups[0]!), 'utf8'))).toEqual(existing);

    const second = setup(m, server.url);
    expect(second.stdout).toContain('Hooks already installed');
    expect(settings()).toEqual(after);
    expect(readdirSync(m.claudeDir).filter((f) => f.startsWith('settings.json.claudetools-backup-'))).toHaveLength(1);

    // An older setup wrote a node path that is gone since (an upgrade): setup replaces those hooks, never adds a second set.
    const pinned = JSON.parse(JSON.stringify(after).replaceAll(`"node ${hookFile}`, `"/opt/node-18.0.0/bin/node ${hookFile}`));
    writeFileSync(settingsFile(), JSON.stringify(pinned, null, 2));
    const third = setup(m, server.url);
    expect(third.stdout).toContain('Hooks installed');
    expect(settings()).toEqual(after);

    const un = m.cli(['uninstall']);
    expect(un.code, un.stderr).toBe(0);
    expect(settings()).toEqual(existing);
    expect(existsSync(hookFile)).toBe(false);
    const doctor = m.cli(['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/FAIL hooks installed: missing in .*SessionStart/);
    expect(doctor.stdout).toContain('fix: claudetools setup');
  });

  it('creates settings.json when there is none, and never overwrites one it cannot parse', () => {
    const fresh = newMachine();
    setup(fresh, server.url);
    expect(Object.keys(JSON.parse(readFileSync(join(fresh.claudeDir, 'settings.json'), 'utf8')))).toEqual(['hooks']);
    expect(fresh.cli(['uninstall']).code).toBe(0);
    expect(JSON.parse(readFileSync(join(fresh.claudeDir, 'settings.json'), 'utf8'))).toEqual({});

    // A plugin-only user (no config.json; the server and key come from the plugin's userConfig): doctor's config check passes.
    const plugin = newMachine();
    const doctor = cli(['doctor'], { ...plugin.env, CLAUDE_PLUGIN_OPTION_SERVER_URL: server.url, CLAUDE_PLUGIN_OPTION_API_KEY: fresh.config().api_key });
    expect(doctor.stdout).toContain(`ok   config: server ${server.url}`);
    expect(doctor.stdout).toContain('ok   API key valid');

    const broken = newMachine();
    mkdirSync(broken.claudeDir, { recursive: true });
    writeFileSync(join(broken.claudeDir, 'settings.json'), '{ "model": "opus", ');
    const r = broken.cli(['setup', '--server', server.url, '--email', 'ops@example.test', '--password-stdin'], 'an admin password here\n');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('is not a JSON object');
    expect(readFileSync(join(broken.claudeDir, 'settings.json'), 'utf8')).toBe('{ "model": "opus", ');
  });

  it('imports existing transcripts with progress, resumably and idempotently', async () => {
    const im = newMachine();
    setup(im, server.url);
    const projects = join(im.claudeDir, 'projects', '-home-dev-acme-portal');
    mkdirSync(projects, { recursive: true });
    const file = join(projects, `${SESSION}.jsonl`);
    writeFileSync(file, jsonl(lines.userText, lines.assistantToolUse, lines.toolResult) + JSON.stringify(lines.assistantEdit).slice(0, 30));
    const one = im.cli(['import']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('Imported 2 turns from 1 transcripts');
    expect(one.stderr).toContain('1/1 transcripts');

    // A pasted log of 300,000 characters (over the server's 200,000 per turn) and an odd line do not stop the import.
    const huge = { ...lines.userText, uuid: 'u-huge', message: { role: 'user', content: `Here is the whole log: ${'E'.repeat(300_000)} end of log` } };
    const odd = { ...lines.userText, uuid: 'u-odd', message: { role: 'user', content: [null, { type: 'text', text: 7 }] } };
    writeFileSync(file, jsonl(lines.userText, lines.assistantToolUse, lines.toolResult, lines.assistantEdit, lines.assistantDecision, huge, odd));
    const two = im.cli(['import']);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toContain('Imported 3 turns');
    const again = im.cli(['import']);
    expect(again.stdout).toContain('Imported 0 turns');

    // Forgetting the progress (a new machine, a lost state file) resends everything: still stored once.
    const [session] = (await api(im, 'GET', `/api/sessions?external_session_id=${SESSION}`)).items;
    const before = (await api(im, 'GET', `/api/context-snippets?session_id=${session.id}`)).total;
    const snippets = (await api(im, 'GET', `/api/context-snippets?session_id=${session.id}&limit=200`)).items;
    expect(before).toBeGreaterThanOrEqual(5);
    // What was said arrived, redacted, <private> dropped, the decision recorded, the huge turn cut but there.
    const stored = JSON.stringify(snippets);
    expect(stored).toContain('NAS backup');
    expect(stored).toContain('u-huge');
    expect(stored).not.toContain('ghp_abcdefghij');
    expect(stored).not.toContain('12 Elm St');
    const decisions = (await api(im, 'GET', `/api/decision-logs?session_id=${session.id}`)).items;
    expect(JSON.stringify(decisions)).toContain('backup VLAN');
    writeFileSync(join(im.ctHome, 'import-state.json'), '{}');
    expect(im.cli(['import']).code).toBe(0);
    expect((await api(im, 'GET', `/api/context-snippets?session_id=${session.id}`)).total).toBe(before);
  });
});
