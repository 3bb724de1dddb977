import type { Kysely } from 'kysely';
import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { assertAccess, clientLimit, inClientScope } from '../../entities/policy.js';
import { constraintViolation } from '../../db/dialect.js';
import type { SessionRow } from './sessions.js';

/** An MSP-mode session that ended proposes its span as billable time, once; shorter than a minute is not worth a line. */
export async function proposeTime(trx: Kysely<any>, session: SessionRow & { ended_at: string }, now: string) {
  if (session.mode !== 'msp' || !session.client_id) return;
  const minutes = Math.round((Date.parse(session.ended_at) - Date.parse(session.started_at)) / 60_000);
  if (minutes < 1) return;
  const exists = await trx.selectFrom('time_proposals').select('id').where('session_id', '=', session.id).executeTakeFirst();
  if (exists) return;
  await trx.insertInto('time_proposals').values({ id: newId(), session_id: session.id, client_id: session.client_id, project_id: session.project_id,
    start_time: session.started_at, end_time: session.ended_at, duration_minutes: Math.min(minutes, 24 * 60),
    description: (session.title ?? session.summary ?? `Claude Code session${session.cwd ? ` in ${session.cwd}` : ''}`).slice(0, 2000),
    status: 'pending', billable_time_id: null, created_at: now, updated_at: now }).execute();
}

interface BillableCreate { create(ctx: RequestContext, input: Record<string, unknown>): Promise<{ id: string }> }

/** List, confirm (becomes a billable_time entry through its own service and rules) or drop proposals. */
export function createTimeProposalService(db: Kysely<any>, billableTime: BillableCreate, now: () => string) {
  const load = async (ctx: RequestContext, id: string) => {
    const row = await db.selectFrom('time_proposals').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !inClientScope(ctx, row.client_id)) throw AppError.notFound('time proposal', id);
    return row;
  };
  const pending = (row: Record<string, unknown>) => {
    if (row.status !== 'pending') throw AppError.conflict(`This proposal is already ${row.status}`, 'not_pending');
  };
  return {
    async list(ctx: RequestContext, status: string) {
      assertAccess(ctx, 'viewer', false);
      const limit = clientLimit(ctx);
      let q = db.selectFrom('time_proposals').selectAll().where('status', '=', status);
      if (limit) q = q.where('client_id', 'in', limit.length ? limit : ['-']);
      return { items: await q.orderBy('start_time', 'desc').limit(200).execute() };
    },
    async confirm(ctx: RequestContext, id: string) {
      assertAccess(ctx, 'technician', true);
      const row = await load(ctx, id);
      pending(row);
      // Claim it first, so two confirmations never bill twice.
      const claimed = await db.updateTable('time_proposals').set({ status: 'confirmed', updated_at: now() }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) throw AppError.conflict('This proposal was just handled by someone else', 'not_pending');
      try {
        const entry = await billableTime.create(ctx, { client_id: row.client_id, project_id: row.project_id, session_id: row.session_id,
          start_time: row.start_time, end_time: row.end_time, description: row.description, category: 'claude-code' });
        await db.updateTable('time_proposals').set({ billable_time_id: entry.id, updated_at: now() }).where('id', '=', id).execute();
      } catch (err) {
        await db.updateTable('time_proposals').set({ status: 'pending', updated_at: now() }).where('id', '=', id).execute();
        if (constraintViolation(err)) throw AppError.conflict('The time entry could not be created', 'conflict');
        throw err;
      }
      return load(ctx, id);
    },
    async drop(ctx: RequestContext, id: string) {
      assertAccess(ctx, 'technician', true);
      pending(await load(ctx, id));
      await db.updateTable('time_proposals').set({ status: 'dropped', updated_at: now() }).where('id', '=', id).where('status', '=', 'pending').execute();
      return load(ctx, id);
    },
  };
}
