import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { loadConfig } from '../../hook/env.js';
import { flush } from '../../hook/flush.js';
import { requestJson } from '../../hook/http.js';
import { HOOK_SPECS, installedEvents } from '../../hook/settings.js';
import { pendingCount } from '../../hook/spool.js';
import { installedHookPath, readSettings, settingsPath } from '../claude-settings.js';

interface Check { name: string; ok: boolean; detail: string; fix?: string }

/**
 * Every link from Claude Code to the server, in the order they depend on each other, each with what to do
 * when it fails; ends with a real save and recall. Exit 1 when anything fails.
 */
async function runChecks(): Promise<Check[]> {
  const env = process.env;
  const config = loadConfig(env);
  const checks: Check[] = [];
  const add = (c: Check) => { checks.push(c); return c.ok; };
  const call = async (method: string, path: string, body?: unknown) => {
    try { return await requestJson(config, method, path, body, 10_000); } catch (e) { return { status: 0, body: (e as Error).message }; }
  };

  // The connection as the hooks resolve it (config file, or a plugin's userConfig / the environment).
  add({ name: 'config', ok: Boolean(config.key), detail: `server ${config.server}${config.key ? '' : ', no API key'}`, fix: 'claudetools setup --server URL --email you@example.com --password-stdin' });
  const health = await call('GET', '/api/health');
  if (!add({ name: 'server reachable', ok: health.status === 200, detail: `${config.server}/api/health → ${health.status || health.body}`, fix: 'start the server (npm start) or fix server_url with claudetools setup --server URL' })) return checks;
  const me = await call('GET', '/api/auth/me');
  if (!add({ name: 'API key valid', ok: me.status === 200, detail: me.status === 200 ? `acting as ${(me.body as { email: string }).email}` : `/api/auth/me → ${me.status}`, fix: 'claudetools setup --email you@example.com --password-stdin (mints a new key)' })) return checks;
  const machine = config.machine_id ? await call('GET', `/api/machines/${config.machine_id}`) : { status: 0, body: '' };
  add({ name: 'machine registered', ok: machine.status === 200, detail: config.machine_id ?? 'no machine_id in config', fix: 'claudetools setup' });
  const hookFile = String((config as { hook_file?: string }).hook_file ?? installedHookPath());
  add({ name: 'hook file', ok: existsSync(hookFile), detail: hookFile, fix: 'claudetools setup (rebuilds and installs it)' });
  let events: string[] = [];
  try { events = installedEvents(readSettings(settingsPath()), hookFile); } catch { /* reported as missing */ }
  const missing = HOOK_SPECS.map((s) => s.event).filter((e) => !events.includes(e));
  add({ name: 'hooks installed', ok: !missing.length, detail: missing.length ? `missing in ${settingsPath()}: ${missing.join(', ')}` : `${events.length} hooks in ${settingsPath()}`, fix: 'claudetools setup' });
  if (pendingCount(env)) await flush(env, config, { deadlineMs: 30_000 });
  const left = pendingCount(env);
  add({ name: 'spool empty', ok: left === 0, detail: left ? `${left} writes waiting in the spool` : 'nothing waiting', fix: 'claudetools flush, and read ~/.claudetools/logs/hook.log' });

  // A real round trip, then clean up after it: nothing of the check stays in memory.
  const token = `doctorcheck${Date.now().toString(36)}`;
  const saved = await call('POST', '/api/memory/ingest', { session: { external_id: `claudetools-doctor-${token}` },
    turns: [{ ref: `doctor:${token}`, role: 'user', text: `ClaudeTools doctor round trip marker ${token}` }] });
  const recalled = saved.status === 201 ? await call('POST', '/api/memory/recall', { query: token, token_budget: 200, limit: 3, record_usage: false }) : null;
  const found = Boolean(recalled && recalled.status === 200 && (recalled.body as { text: string }).text.includes(token));
  add({ name: 'save and recall', ok: found, detail: found ? 'a saved memory came back' : `ingest ${saved.status}${recalled ? `, recall ${recalled.status}` : ''}`, fix: 'read the server log; the key may be read-only' });
  if (saved.status === 201) {
    const result = saved.body as { session_id: string | null; items: { id: string; kind: string }[] };
    for (const item of result.items) await call('DELETE', `/api/${item.kind === 'context_snippet' ? 'context-snippets' : item.kind === 'decision_log' ? 'decision-logs' : 'conversation-contexts'}/${item.id}`);
    if (result.session_id) await call('DELETE', `/api/sessions/${result.session_id}`);
  }
  return checks;
}

export function doctorCommand(program: Command): void {
  program.command('doctor').description('Check every link between Claude Code and the server, with a real save and recall')
    .action(async () => {
      const checks = await runChecks();
      for (const c of checks) process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}${c.ok || !c.fix ? '' : `\n     fix: ${c.fix}`}\n`);
      if (checks.some((c) => !c.ok)) process.exitCode = 1;
    });
}
