import { redactSecrets } from '../../memory/redact.js';
import { additionalContext, scopeOf, serverMode, spawnFlusher, type Handler } from '../context.js';
import { gitInfo, withoutUserinfo } from '../git.js';
import { requestOnce } from '../http-once.js';
import { logProblem } from '../log.js';
import { newKey, spool } from '../spool.js';
import { pruneStates, stateOrNew, writeState } from '../state.js';

const BRIEF_TIMEOUT_MS = 1500;

/**
 * Opens (or, on resume, reopens) our session row through the spool, then asks for the "where we left off"
 * brief. The brief's detected project is kept for the session, so later saves and recalls are scoped to it.
 */
export const sessionStart: Handler = async (ctx) => {
  const { env, config, input, at } = ctx;
  // Whatever was injected before a compaction, resume or clear is no longer in Claude's context.
  const state = { ...stateOrNew(env, input.session_id), injected: [] };
  const git = input.cwd ? gitInfo(input.cwd) : {};
  // Nothing leaves the machine unredacted: a remote with credentials in it, a secret in a folder name.
  const remote = git.remote ? redactSecrets(withoutUserinfo(git.remote)).slice(0, 1000) : undefined;
  const cwd = typeof input.cwd === 'string' && input.cwd ? redactSecrets(input.cwd).slice(0, 1000) : undefined;
  const modeScope = scopeOf(config, null);
  spool(env, [{ v: 1, key: newKey('ss'), kind: 'event', at, body: { type: 'session_start', at, session: input.session_id, data: {
    ...(input.source ? { source: String(input.source).slice(0, 30) } : {}), ...(cwd ? { cwd } : {}),
    ...(git.branch ? { git_branch: git.branch } : {}), ...(remote ? { git_remote: remote } : {}),
    ...(config.machine_id ? { machine_id: config.machine_id } : {}), mode: serverMode(config), ...modeScope,
  } } }]);
  writeState(env, { ...state, ...(input.transcript_path ? { transcript_path: input.transcript_path } : {}) });

  let text = '';
  if (config.key) {
    try {
      const res = await requestOnce(config, 'POST', '/api/hooks/brief', {
        ...(cwd ? { cwd } : {}), ...(remote ? { git_remote: remote } : {}), ...modeScope,
        session: input.session_id, token_budget: config.brief_budget ?? 600,
      }, BRIEF_TIMEOUT_MS);
      const brief = res.body as { project_id: string | null; client_id: string | null; text: string };
      if (res.status === 200) {
        writeState(env, { ...state, ...(input.transcript_path ? { transcript_path: input.transcript_path } : {}), project_id: brief.project_id, client_id: brief.client_id });
        text = brief.text;
      } else logProblem(env, `brief: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    } catch (e) {
      logProblem(env, `brief: ${(e as Error).message}`);
    }
  }
  spawnFlusher(env);
  pruneStates(env);
  return additionalContext('SessionStart', text);
};
