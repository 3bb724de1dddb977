/**
 * Our hooks in Claude Code's `settings.json`, added and removed without touching anything else. A hook is
 * ours when its command runs our installed hook file with one of our event arguments, whatever node runs
 * it (an older setup may have written another node's path), so a user's own hooks, even ones calling
 * ClaudeTools differently, are never changed, and setup after a node upgrade replaces ours instead of
 * adding a second set.
 */

/**
 * The node setup writes into hook commands: plain `node`, found on PATH when the hook runs, so upgrading or
 * moving node (nvm, Homebrew, a new version) does not break the hooks. `claudetools setup --node PATH` pins one.
 */
export const DEFAULT_NODE = 'node';

export interface HookSpec { event: string; arg: string; matcher?: string; timeout?: number; async?: boolean }

/** What we install. PostToolUse(-Failure), Stop and PreCompact are async: Claude never waits for them. */
export const HOOK_SPECS: HookSpec[] = [
  { event: 'SessionStart', arg: 'session-start', timeout: 10 },
  { event: 'UserPromptSubmit', arg: 'user-prompt-submit', timeout: 5 },
  { event: 'PostToolUse', arg: 'post-tool-use', matcher: 'Edit|Write|MultiEdit|NotebookEdit|Bash', async: true, timeout: 30 },
  { event: 'PostToolUseFailure', arg: 'post-tool-use-failure', matcher: 'Bash', async: true, timeout: 30 },
  { event: 'Stop', arg: 'stop', async: true, timeout: 60 },
  { event: 'PreCompact', arg: 'pre-compact', async: true, timeout: 60 },
  { event: 'SessionEnd', arg: 'session-end', timeout: 2 },
];

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`);

/** `node /abs/path/hook.cjs user-prompt-submit`: an absolute path, so it works from any project directory. */
export const hookCommand = (node: string, hookFile: string, arg: string) => `${quote(node)} ${quote(hookFile)} ${arg}`;

type Json = Record<string, any>;
interface Group { matcher?: string; hooks?: Json[] }

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const ourHook = (spec: HookSpec, command: string): Json =>
  ({ type: 'command', command, ...(spec.timeout ? { timeout: spec.timeout } : {}), ...(spec.async ? { async: true } : {}) });

/**
 * Settings with our hooks in them, one per event: a hook of ours already there (with this node or another)
 * is replaced in place, extra copies of it are dropped, a missing one is added. Setup twice is a no-op.
 */
export function addHooks(settings: Json, node: string, hookFile: string): Json {
  const out = clone(settings);
  const hooks: Json = out.hooks && typeof out.hooks === 'object' && !Array.isArray(out.hooks) ? out.hooks : (out.hooks = {});
  for (const spec of HOOK_SPECS) {
    const wanted = ourHook(spec, hookCommand(node, hookFile, spec.arg));
    const ours = (h: Json) => typeof h?.command === 'string' && runsOurHook(h.command, hookFile, spec.arg);
    const groups: Group[] = Array.isArray(hooks[spec.event]) ? hooks[spec.event] : (hooks[spec.event] = []);
    let placed = false;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (!Array.isArray(g?.hooks) || !g.hooks.some(ours)) continue;
      const rest = g.hooks.flatMap((h) => (!ours(h) ? [h] : placed ? [] : [wanted]));
      placed = true;
      if (rest.length) groups[i] = { ...g, hooks: rest };
      else groups.splice(i--, 1);
    }
    if (!placed) groups.push({ ...(spec.matcher ? { matcher: spec.matcher } : {}), hooks: [wanted] });
  }
  return out;
}

/**
 * Settings without our hooks: groups left empty by that are dropped, then events left empty, then a
 * `hooks` object left empty, so uninstall gives back what setup was given.
 */
export function removeHooks(settings: Json, isOurs: (command: string) => boolean): Json {
  const out = clone(settings);
  if (!out.hooks || typeof out.hooks !== 'object') return out;
  let removed = false;
  for (const [event, groups] of Object.entries(out.hooks as Json)) {
    if (!Array.isArray(groups)) continue;
    const ours = (h: Json) => typeof h.command === 'string' && isOurs(h.command);
    if (!(groups as Group[]).some((g) => Array.isArray(g.hooks) && g.hooks.some(ours))) continue;
    removed = true;
    const kept = (groups as Group[]).map((g) => {
      if (!Array.isArray(g.hooks) || !g.hooks.some(ours)) return g;
      const rest = g.hooks.filter((h) => !ours(h));
      return rest.length ? { ...g, hooks: rest } : null;
    }).filter((g): g is Group => g !== null);
    if (kept.length) out.hooks[event] = kept;
    else delete out.hooks[event];
  }
  if (removed && !Object.keys(out.hooks).length) delete out.hooks;
  return out;
}

/** Whether a command runs our hook file (with any node) for this event argument. */
const runsOurHook = (command: string, hookFile: string, arg: string) => command.trim().endsWith(` ${quote(hookFile)} ${arg}`);

/** A command is ours when it runs our hook file (wherever node is) with one of our event arguments. */
export const isOurCommand = (hookFile: string) => (command: string) => HOOK_SPECS.some((s) => runsOurHook(command, hookFile, s.arg));

/** Which of our hooks the settings hold, for doctor. */
export function installedEvents(settings: Json, hookFile: string): string[] {
  return HOOK_SPECS.filter((s) => (settings.hooks?.[s.event] as Group[] | undefined)?.some?.((g) => g?.hooks?.some?.((h) => typeof h?.command === 'string' && runsOurHook(h.command, hookFile, s.arg)))).map((s) => s.event);
}
