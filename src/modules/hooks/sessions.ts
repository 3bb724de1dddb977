import type { Kysely } from 'kysely';
import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { inClientScope } from '../../entities/policy.js';
import type { HookEvent } from './schemas.js';
import type { HookScope } from './scope.js';

export interface SessionRow {
  id: string; project_id: string | null; client_id: string | null; machine_id: string | null;
  mode: string; started_at: string; ended_at: string | null; title: string | null; summary: string | null; cwd: string | null;
}

const minutesBetween = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 60_000));

/**
 * Our session row for a Claude Code session id, created on first sight by whichever event arrives first
 * (the spool does not guarantee order). A session_start fills in what a bare row lacks and reopens an
 * ended session on resume. Another client's session (outside the caller's client scope) is not found: the
 * caller can neither add to it, nor end or reopen it.
 */
export async function sessionFor(trx: Kysely<any>, ctx: RequestContext, event: HookEvent, scope: HookScope | null, now: string): Promise<SessionRow> {
  const existing = await trx.selectFrom('sessions').selectAll().where('external_session_id', '=', event.session).executeTakeFirst() as SessionRow | undefined;
  if (existing && !inClientScope(ctx, existing.client_id)) throw AppError.notFound('session', event.session);
  const given = event.type === 'session_start' ? event.data : null;
  // A machine deleted since the client was set up must not make the whole event fail.
  const machineKnown = given?.machine_id ? Boolean(await trx.selectFrom('machines').select('id').where('id', '=', given.machine_id).executeTakeFirst()) : false;
  const start = given ? { ...given, machine_id: machineKnown ? given.machine_id : undefined } : null;
  if (!existing) {
    const row = {
      id: newId(), external_session_id: event.session, machine_id: start?.machine_id ?? null,
      project_id: scope?.project_id ?? null, client_id: scope?.client_id ?? null, mode: start?.mode ?? 'normal',
      cwd: start?.cwd ?? null, git_branch: start?.git_branch ?? null, started_at: event.at, status: 'active',
      is_billable: start?.mode === 'msp' ? 1 : 0, created_at: now, updated_at: now,
    };
    await trx.insertInto('sessions').values(row).execute();
    return { ...row, ended_at: null, title: null, summary: null };
  }
  if (start) {
    const patch: Record<string, unknown> = {
      cwd: existing.cwd ?? start.cwd ?? null, git_branch: start.git_branch ?? null,
      machine_id: existing.machine_id ?? start.machine_id ?? null,
      project_id: existing.project_id ?? scope?.project_id ?? null, client_id: existing.client_id ?? scope?.client_id ?? null,
      ...(start.mode && start.mode !== 'normal' ? { mode: start.mode, is_billable: start.mode === 'msp' ? 1 : 0 } : {}),
      ...(existing.ended_at && event.at > existing.ended_at ? { ended_at: null, duration_minutes: null, status: 'active' } : {}),
      // Events arrive in any order: a start older than the first event seen moves the start (and the duration) back.
      ...(event.at < existing.started_at ? { started_at: event.at, ...(existing.ended_at ? { duration_minutes: minutesBetween(event.at, existing.ended_at) } : {}) } : {}),
      updated_at: now,
    };
    await trx.updateTable('sessions').set(patch).where('id', '=', existing.id).execute();
    return { ...existing, ...patch } as SessionRow;
  }
  return existing;
}

/** Ends the session at `at` (a later end wins over an earlier one), with the summary the ingest made for it. */
export async function endSession(trx: Kysely<any>, session: SessionRow, at: string, now: string): Promise<SessionRow> {
  const endedAt = session.ended_at && session.ended_at > at ? session.ended_at : at < session.started_at ? session.started_at : at;
  const summary = session.summary ?? ((await trx.selectFrom('conversation_contexts').select('dense_summary')
    .where('session_id', '=', session.id).where('context_type', '=', 'session_summary')
    .orderBy('created_at', 'desc').limit(1).executeTakeFirst())?.dense_summary as string | undefined) ?? null;
  const patch = { ended_at: endedAt, duration_minutes: minutesBetween(session.started_at, endedAt), status: 'completed',
    summary: summary ? summary.slice(0, 50_000) : null, updated_at: now };
  await trx.updateTable('sessions').set(patch).where('id', '=', session.id).execute();
  if (session.project_id) await touchProjectState(trx, session.project_id, session.id, patch.summary, now);
  return { ...session, ...patch };
}

const KEY_FILES = 50;

/**
 * The project's state points at its latest session and carries that session's summary; the files this session
 * changed most come first in its key files (the older ones follow, up to 50).
 */
async function touchProjectState(trx: Kysely<any>, projectId: string, sessionId: string, summary: string | null, now: string) {
  const state = await trx.selectFrom('project_states').select(['id', 'key_files']).where('project_id', '=', projectId).executeTakeFirst();
  const touched = await trx.selectFrom('file_changes').select('file_path').select((eb) => eb.fn.countAll().as('n'))
    .where('session_id', '=', sessionId).groupBy('file_path').orderBy('n', 'desc').orderBy('file_path').limit(20).execute();
  const before: string[] = state ? JSON.parse(String(state.key_files ?? '[]')) : [];
  const keyFiles = [...new Set([...touched.map((r) => String(r.file_path)), ...before])].slice(0, KEY_FILES);
  const patch = { last_session_id: sessionId, key_files: JSON.stringify(keyFiles), ...(summary ? { context_summary: summary } : {}), updated_at: now };
  if (state) await trx.updateTable('project_states').set(patch).where('id', '=', state.id).execute();
  else {
    await trx.insertInto('project_states').values({ id: newId(), project_id: projectId, progress_percentage: 0, blockers: '[]', next_actions: '[]',
      important_decisions: '[]', ...patch, context_summary: summary, created_at: now }).execute();
  }
}
