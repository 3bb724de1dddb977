import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { RequestContext } from '../../core/context.js';
import { newId } from '../../core/ids.js';
import { constraintViolation } from '../../db/dialect.js';
import { redactSecrets } from '../../memory/redact.js';
import type { AuditService } from '../audit/service.js';
import { recordFailure, recordSuccess } from './failures.js';
import type { HookEvent } from './schemas.js';
import { resolveScope } from './scope.js';
import { endSession, sessionFor, type SessionRow } from './sessions.js';
import { proposeTime } from './time-proposals.js';

export interface EventDeps { db: Kysely<any>; audit: AuditService; clock: Clock }

/** The server redacts again: the client already did, but a client is not to be trusted with that alone. */
const clean = (s: string | undefined, max: number) => (s === undefined ? null : redactSecrets(s).slice(0, max));

/**
 * Applies one spooled hook event exactly once: its idempotency key goes into the ledger in the same
 * transaction as its effect, so a redelivery finds the key and changes nothing. Returns false for a duplicate.
 */
export async function applyEvent(deps: EventDeps, ctx: RequestContext, event: HookEvent): Promise<boolean> {
  const now = deps.clock.now().toISOString();
  // A client clock running ahead must not date work in the future.
  const at = event.at > now ? now : event.at;
  const scope = event.type === 'session_start' ? await resolveScope(deps.db, ctx, event.data) : null;
  try {
    await deps.db.transaction().execute(async (trx) => {
      const ledgerId = newId();
      await trx.insertInto('hook_events').values({ id: ledgerId, idempotency_key: event.key, event_type: event.type, session_id: null, created_at: now }).execute();
      const session = await sessionFor(trx, ctx, { ...event, at }, scope, now);
      await trx.updateTable('hook_events').set({ session_id: session.id }).where('id', '=', ledgerId).execute();
      const entityId = await effect(trx, { ...event, at } as HookEvent, session, now);
      await deps.audit.record(trx as never, ctx, { action: `hook:${event.type}`, entity: entityId?.table ?? 'sessions', entity_id: entityId?.id ?? session.id, changes: { key: event.key } });
    });
    return true;
  } catch (err) {
    if (constraintViolation(err)?.kind !== 'unique') throw err;
    const seen = await deps.db.selectFrom('hook_events').select('id').where('idempotency_key', '=', event.key).executeTakeFirst();
    if (!seen) throw err; // another unique clash (two first sightings of one session): the client retries later
    return false;
  }
}

async function effect(trx: Kysely<any>, event: HookEvent, session: SessionRow, now: string): Promise<{ table: string; id: string } | null> {
  switch (event.type) {
    case 'session_start':
      return null;
    case 'file_change': {
      const id = newId();
      await trx.insertInto('file_changes').values({ id, session_id: session.id, project_id: session.project_id, machine_id: session.machine_id,
        file_path: event.data.file_path, change_type: event.data.change_type, tool: event.data.tool ?? null,
        lines_added: event.data.lines_added ?? null, lines_removed: event.data.lines_removed ?? null,
        summary: clean(event.data.summary, 2000), occurred_at: event.at, created_at: now, updated_at: now }).execute();
      return { table: 'file_changes', id };
    }
    case 'command_run': {
      const id = newId();
      const command = redactSecrets(event.data.command).slice(0, 10_000) || '[REDACTED]';
      const output = clean(event.data.output_summary, 4000);
      await trx.insertInto('command_runs').values({ id, session_id: session.id, machine_id: session.machine_id, command, cwd: event.data.cwd ?? null,
        exit_code: event.data.exit_code ?? null, success: event.data.success ? 1 : 0, output_summary: output, occurred_at: event.at,
        created_at: now, updated_at: now }).execute();
      if (event.data.success) await recordSuccess(trx, session, command, event.at, now);
      else await recordFailure(trx, session, command, output ?? '', event.at, now);
      return { table: 'command_runs', id };
    }
    case 'session_end': {
      const ended = await endSession(trx, session, event.at, now);
      await proposeTime(trx, ended as SessionRow & { ended_at: string }, now);
      return null;
    }
  }
}
