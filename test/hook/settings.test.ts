import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addHooks, HOOK_SPECS, hookCommand, installedEvents, isOurCommand, removeHooks } from '../../src/hook/settings.js';

const NODE = '/usr/bin/node';
const HOOK = '/home/me/.claudetools/bin/hook.cjs';

const userSettings = () => ({
  model: 'opus', permissions: { allow: ['Bash(npm test)'], deny: [] }, env: { FOO: '1' },
  hooks: {
    UserPromptSubmit: [{ hooks: [{ type: 'command', command: '/home/me/bin/remind.sh', timeout: 3 }] }],
    PostToolUse: [{ matcher: 'Write', hooks: [{ type: 'command', command: 'prettier --write "$CLAUDE_FILE"' }] }],
    Notification: [{ hooks: [{ type: 'command', command: 'notify-send Claude' }] }],
  },
});

describe('settings.json merge', () => {
  it('adds one hook per event and keeps every other key and hook', () => {
    const before = userSettings();
    const after = addHooks(before, NODE, HOOK);
    expect(after).toMatchObject({ model: 'opus', permissions: before.permissions, env: before.env });
    expect(after.hooks.Notification).toEqual(before.hooks.Notification);
    expect(after.hooks.UserPromptSubmit[0]).toEqual(before.hooks.UserPromptSubmit[0]);
    expect(after.hooks.UserPromptSubmit[1]).toEqual({ hooks: [{ type: 'command', command: `${NODE} ${HOOK} user-prompt-submit`, timeout: 5 }] });
    expect(after.hooks.PostToolUse[1]).toEqual({ matcher: 'Edit|Write|MultiEdit|NotebookEdit|Bash', hooks: [{ type: 'command', command: `${NODE} ${HOOK} post-tool-use`, timeout: 30, async: true }] });
    expect(installedEvents(after, HOOK)).toEqual(HOOK_SPECS.map((s) => s.event));
    expect(before).toEqual(userSettings());
  });

  it('is idempotent and removes exactly what it added', () => {
    const once = addHooks(userSettings(), NODE, HOOK);
    expect(addHooks(once, NODE, HOOK)).toEqual(once);
    expect(removeHooks(once, isOurCommand(HOOK))).toEqual(userSettings());
    expect(removeHooks(addHooks({}, NODE, HOOK), isOurCommand(HOOK))).toEqual({});
    expect(removeHooks(userSettings(), isOurCommand(HOOK))).toEqual(userSettings());
  });

  it('never takes a user hook that merely mentions claudetools, and quotes paths with spaces', () => {
    const mine = { hooks: { Stop: [{ hooks: [{ type: 'command', command: 'claudetools hook stop' }, { type: 'command', command: `${NODE} ${HOOK} stop --verbose` }] }] } };
    const spaced = '/Users/Jane Doe/.claudetools/bin/hook.cjs';
    const both = addHooks(mine, NODE, spaced);
    expect(both.hooks.Stop[1].hooks[0].command).toBe(`${NODE} "${spaced}" stop`);
    expect(hookCommand(NODE, spaced, 'stop')).toBe(`${NODE} "${spaced}" stop`);
    expect(removeHooks(both, isOurCommand(spaced))).toEqual(mine);
  });
});

describe('plugin packaging', () => {
  const root = join(import.meta.dirname, '../..');
  const read = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));

  it('hooks/hooks.json installs the same hooks as setup, through the launcher', () => {
    const { hooks } = read('hooks/hooks.json');
    expect(Object.keys(hooks)).toEqual(HOOK_SPECS.map((s) => s.event));
    for (const spec of HOOK_SPECS) {
      expect(hooks[spec.event], spec.event).toEqual([{ ...(spec.matcher ? { matcher: spec.matcher } : {}), hooks: [{ type: 'command',
        command: `node "\${CLAUDE_PLUGIN_ROOT}/hooks/launch.cjs" ${spec.arg}`, timeout: spec.timeout, ...(spec.async ? { async: true } : {}) }] }]);
    }
  });

  it('declares the server and a sensitive key as userConfig, which the hook reads as CLAUDE_PLUGIN_OPTION_*', () => {
    const plugin = read('.claude-plugin/plugin.json');
    expect(plugin.name).toBe('claudetools');
    expect(plugin.userConfig.api_key).toMatchObject({ sensitive: true, required: true });
    expect(plugin.userConfig.server_url.sensitive).toBe(false);
    expect(read('.claude-plugin/marketplace.json').plugins[0]).toMatchObject({ name: 'claudetools', source: './' });
    expect(read('.mcp.json').mcpServers.claudetools.headers.Authorization).toBe('Bearer ${user_config.api_key}');
  });

  it('the launcher does nothing and exits 0 before setup has installed a hook file', () => {
    // A copy of the launcher with no checkout around it: no dist/hook.cjs next to it, nothing installed.
    const home = mkdtempSync(join(tmpdir(), 'ct-launch-'));
    const plugin = join(home, 'plugin', 'hooks');
    mkdirSync(plugin, { recursive: true });
    copyFileSync(join(root, 'hooks/launch.cjs'), join(plugin, 'launch.cjs'));
    const r = spawnSync(process.execPath, [join(plugin, 'launch.cjs'), 'user-prompt-submit'], {
      env: { PATH: process.env.PATH, HOME: home }, input: '{"session_id":"s","prompt":"what did we decide about backups"}', encoding: 'utf8', cwd: home,
    });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(existsSync(join(home, '.claudetools'))).toBe(false);
  });

  it('the launcher runs the installed hook file with the event argument and stdin', () => {
    const home = mkdtempSync(join(tmpdir(), 'ct-launch-'));
    const hookFile = join(home, '.claudetools', 'bin', 'hook.cjs');
    mkdirSync(join(home, '.claudetools', 'bin'), { recursive: true });
    writeFileSync(hookFile, `require('node:fs').writeFileSync(${JSON.stringify(join(home, 'ran.json'))}, JSON.stringify({ argv: process.argv.slice(2), stdin: require('node:fs').readFileSync(0, 'utf8') }));`);
    const r = spawnSync(process.execPath, [join(root, 'hooks/launch.cjs'), 'user-prompt-submit'], {
      env: { PATH: process.env.PATH, HOME: home }, input: '{"session_id":"s"}', encoding: 'utf8', cwd: home,
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'ran.json'), 'utf8'))).toEqual({ argv: ['user-prompt-submit'], stdin: '{"session_id":"s"}' });
  });
});
