import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { newId } from '../../core/ids.js';
import type { SessionRow } from './sessions.js';

type PatternType = 'command_compatibility' | 'version_mismatch' | 'permission_denied' | 'service_unavailable' | 'configuration_error' | 'environmental_limitation';

/** The same command however it was spaced: what "the same command" means for recurrence and for its later success. */
export const normalizeCommand = (command: string) => command.trim().replace(/\s+/g, ' ').slice(0, 2000);

/** A stable fingerprint of "this command fails", unique per client (the table's unique key). */
export const failureSignature = (command: string) => `cmd:${createHash('sha256').update(normalizeCommand(command)).digest('hex').slice(0, 40)}`;

/** A coarse, explainable class from the error text; configuration_error when nothing more specific shows. */
export function classifyFailure(output: string): PatternType {
  const o = output.toLowerCase();
  if (/permission denied|eacces|eperm|operation not permitted|access is denied|forbidden/.test(o)) return 'permission_denied';
  if (/command not found|not recognized as|no such command|unknown (?:command|option)|illegal option/.test(o)) return 'command_compatibility';
  if (/econnrefused|connection refused|timed? ?out|unreachable|service unavailable|could not connect|etimedout|enotfound/.test(o)) return 'service_unavailable';
  if (/version|requires node|unsupported engine|incompatible/.test(o)) return 'version_mismatch';
  if (/no space left|out of memory|enomem|enospc|read-only file system/.test(o)) return 'environmental_limitation';
  return 'configuration_error';
}

const byClient = (q: any, clientId: string | null) => (clientId ? q.where('client_id', '=', clientId) : q.where('client_id', 'is', null));

/** A failed command: counts a recurrence of its pattern, or starts one. */
export async function recordFailure(trx: Kysely<any>, session: SessionRow, command: string, output: string, at: string, now: string) {
  const signature = failureSignature(command);
  const existing = await byClient(trx.selectFrom('failure_patterns').select(['id', 'occurrence_count', 'first_seen_at'])
    .where('signature', '=', signature).where('infrastructure_id', 'is', null), session.client_id).executeTakeFirst();
  const error = output.slice(0, 2000) || null;
  if (existing) {
    await trx.updateTable('failure_patterns').set({ occurrence_count: Number(existing.occurrence_count) + 1, last_seen_at: at,
      error_pattern: error, is_active: 1, updated_at: now }).where('id', '=', existing.id).execute();
    return;
  }
  await trx.insertInto('failure_patterns').values({ id: newId(), client_id: session.client_id, infrastructure_id: null,
    pattern_type: classifyFailure(output), signature, error_pattern: error, triggering_command: normalizeCommand(command),
    occurrence_count: 1, first_seen_at: at, last_seen_at: at, severity: 'medium', is_active: 1, created_at: now, updated_at: now }).execute();
}

/**
 * A command that succeeds after failing: its active failure pattern becomes a problem_solutions candidate
 * naming what failed, the error, and the files changed in this session since the last failure (the likely fix).
 */
export async function recordSuccess(trx: Kysely<any>, session: SessionRow, command: string, at: string, now: string) {
  const pattern = await byClient(trx.selectFrom('failure_patterns').selectAll()
    .where('signature', '=', failureSignature(command)).where('infrastructure_id', 'is', null).where('is_active', '=', 1), session.client_id).executeTakeFirst();
  if (!pattern) return;
  const changed = await trx.selectFrom('file_changes').select('file_path').distinct().where('session_id', '=', session.id)
    .where('occurred_at', '>=', pattern.last_seen_at as string).limit(20).execute();
  const files = changed.map((r) => r.file_path as string);
  const cmd = normalizeCommand(command);
  const solution = `\`${cmd}\` succeeded on ${at.slice(0, 10)} after failing ${pattern.occurrence_count} time(s).`
    + (files.length ? ` Changed in between: ${files.join(', ')}.` : ' Nothing was edited in between in this session (a retry, or an outside change).');
  await trx.insertInto('problem_solutions').values({ id: newId(), session_id: session.id, client_id: session.client_id, project_id: session.project_id,
    problem: `\`${cmd}\` failed`.slice(0, 2000), error_message: pattern.error_pattern ?? null, solution,
    recurrence_count: Number(pattern.occurrence_count), created_at: now, updated_at: now }).execute();
  await trx.updateTable('failure_patterns').set({ is_active: 0, recommended_solution: solution, updated_at: now }).where('id', '=', pattern.id).execute();
}
