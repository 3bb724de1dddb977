/**
 * Our hooks in Claude Code's `settings.json`, added and removed without touching anything else. A hook is
 * ours when its command is exactly the one we install (same node, same hook file, same event), so a
 * user's own hooks, even ones calling ClaudeTools differently, are never changed.
 */

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

/** Settings with our hooks added; a hook already there is not added twice (setup twice is a no-op). */
export function addHooks(settings: Json, node: string, hookFile: string): Json {
  const out = clone(settings);
  const hooks: Json = out.hooks && typeof out.hooks === 'object' && !Array.isArray(out.hooks) ? out.hooks : (out.hooks = {});
  for (const spec of HOOK_SPECS) {
    const command = hookCommand(node, hookFile, spec.arg);
    const groups: Group[] = Array.isArray(hooks[spec.event]) ? hooks[spec.event] : (hooks[spec.event] = []);
    if (groups.some((g) => g.hooks?.some((h) => h.command === command))) continue;
    groups.push({ ...(spec.matcher ? { matcher: spec.matcher } : {}),
      hooks: [{ type: 'command', command, ...(spec.timeout ? { timeout: spec.timeout } : {}), ...(spec.async ? { async: true } : {}) }] });
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

/** A command is ours when it runs our hook file (wherever node is) with one of our event arguments. */
export const isOurCommand = (hookFile: string) => (command: string) =>
  HOOK_SPECS.some((s) => command.endsWith(` ${quote(hookFile)} ${s.arg}`));

/** Which of our hooks the settings hold, for doctor. */
export function installedEvents(settings: Json, hookFile: string): string[] {
  const ours = isOurCommand(hookFile);
  return HOOK_SPECS.filter((s) => (settings.hooks?.[s.event] as Group[] | undefined)?.some((g) => g.hooks?.some((h) => typeof h.command === 'string' && ours(h.command) && h.command.endsWith(` ${s.arg}`)))).map((s) => s.event);
}
