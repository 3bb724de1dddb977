import { sql, type Kysely } from 'kysely';
import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { dialectOf } from '../../db/dialect.js';
import { createCrudService, type CrudDeps } from '../../entities/crud-service.js';
import { assertAccess, clientLimit } from '../../entities/policy.js';
import { scopeCondition } from '../../entities/scope.js';
import { BillableTime } from './entity.js';
import { MAX_ENTRY_MINUTES, amountFor, csvCell, durationMinutes, hoursOf } from './rules.js';

export interface TimeQuery {
  client_id?: string;
  project_id?: string;
  user_id?: string;
  is_billable?: boolean;
  from?: string;
  to?: string;
}
export type GroupBy = 'client' | 'project' | 'category' | 'day';

const INVOICE_FIELDS = new Set(['invoiced_at', 'invoice_ref', 'description', 'category']);

/**
 * Billable time as a PSA keeps it: duration and amount derived on every write, the rate defaulting to
 * the client's, end after start and at most 24 h, no overlapping entries for one user (checked under a
 * lock on that user, so two concurrent entries cannot both slip in), and invoiced entries frozen.
 */
export function createBillableTimeService(deps: CrudDeps) {
  const { db } = deps;

  async function derive(trx: Kysely<any>, row: Record<string, unknown>, ignoreId: string | null) {
    const locking = dialectOf(trx) !== 'sqlite';
    // Lock the user first: InnoDB's snapshot starts at the first plain read, so it must come after the lock.
    if (row.user_id && locking) await trx.selectFrom('users').select('id').where('id', '=', row.user_id).forUpdate().execute();
    const start = String(row.start_time), end = String(row.end_time);
    const minutes = durationMinutes(start, end);
    if (minutes <= 0) throw AppError.validation([{ path: 'end_time', message: 'must be after start_time', code: 'out_of_order' }]);
    if (minutes > MAX_ENTRY_MINUTES) throw AppError.validation([{ path: 'end_time', message: 'an entry is at most 24 hours', code: 'too_long' }]);
    let rate = row.hourly_rate as number | null;
    if (rate == null) {
      const client = await trx.selectFrom('clients').select('default_hourly_rate').where('id', '=', row.client_id).executeTakeFirst();
      rate = client?.default_hourly_rate == null ? null : Number(client.default_hourly_rate);
    }
    if (row.is_billable && rate == null) {
      throw AppError.unprocessable('No rate: give hourly_rate or set the client\'s default_hourly_rate', [{ path: 'hourly_rate', message: 'is required for billable time when the client has no default rate' }], 'rate_required');
    }
    if (row.user_id) {
      const clash = await trx.selectFrom('billable_time').select(['id', 'start_time', 'end_time'])
        .where('user_id', '=', row.user_id).where('start_time', '<', end).where('end_time', '>', start)
        .$if(ignoreId !== null, (q) => q.where('id', '!=', ignoreId!))
        .$if(locking, (q) => q.forUpdate()).executeTakeFirst();
      if (clash) {
        throw AppError.conflict(`This overlaps time entry ${clash.id} (${clash.start_time} to ${clash.end_time})`, 'overlap',
          [{ path: 'start_time', message: `overlaps entry ${clash.id}`, code: 'overlap' }]);
      }
    }
    return { hourly_rate: rate, duration_minutes: minutes, amount: amountFor(minutes, rate, Boolean(row.is_billable)) };
  }

  const crud = createCrudService(BillableTime, deps, {
    async beforeCreate(values, ctx, trx) {
      const row = { ...values, user_id: values.user_id ?? ctx.actor?.user_id ?? null };
      return { ...row, ...(await derive(trx, row, null)) };
    },
    async beforeUpdate(patch, current, _ctx, trx) {
      if (current.invoiced_at && Object.keys(patch).some((k) => !INVOICE_FIELDS.has(k))) {
        throw AppError.conflict('This entry is invoiced: only invoice fields, description and category can change', 'invoiced');
      }
      const merged = { ...BillableTime.decode(current), ...patch };
      return { ...patch, ...(await derive(trx, merged, String(current.id))) };
    },
    beforeDelete(current) {
      if (current.invoiced_at) throw AppError.conflict('This entry is invoiced and cannot be deleted', 'invoiced');
    },
  });

  function filtered(ctx: RequestContext, q: TimeQuery) {
    assertAccess(ctx, 'viewer', false);
    const ids = clientLimit(ctx);
    return db.selectFrom('billable_time')
      .$if(q.client_id !== undefined, (x) => x.where('client_id', '=', q.client_id!))
      .$if(q.project_id !== undefined, (x) => x.where('project_id', '=', q.project_id!))
      .$if(q.user_id !== undefined, (x) => x.where('user_id', '=', q.user_id!))
      .$if(q.is_billable !== undefined, (x) => x.where('is_billable', '=', q.is_billable ? 1 : 0))
      .$if(q.from !== undefined, (x) => x.where('start_time', '>=', q.from!))
      .$if(q.to !== undefined, (x) => x.where('start_time', '<', q.to!))
      .$if(ids !== null, (x) => x.where((eb) => scopeCondition(eb, BillableTime, ids!)));
  }

  return {
    ...crud,

    /** Hours and amounts per client, project, category or day (by start time, UTC). */
    async summary(ctx: RequestContext, q: TimeQuery & { group_by: GroupBy }) {
      const key = { client: sql<string>`client_id`, project: sql<string>`project_id`, category: sql<string>`category`, day: sql<string>`substr(start_time, 1, 10)` }[q.group_by];
      const rows = await filtered(ctx, q)
        .select([
          key.as('key'),
          sql<number>`count(*)`.as('entries'),
          sql<number>`sum(duration_minutes)`.as('minutes'),
          sql<number>`sum(amount)`.as('amount'),
          sql<number>`sum(case when is_billable = 1 then duration_minutes else 0 end)`.as('billable_minutes'),
        ])
        .groupBy(key).orderBy(key).execute();
      const labels = await labelsFor(q.group_by, rows.map((r) => r.key));
      const groups = rows.map((r) => ({
        key: r.key ?? null, label: r.key == null ? '(none)' : labels.get(r.key) ?? r.key, entries: Number(r.entries),
        minutes: Number(r.minutes), hours: hoursOf(Number(r.minutes)), billable_hours: hoursOf(Number(r.billable_minutes)),
        amount: Math.round(Number(r.amount) * 100) / 100,
      }));
      const sum = (k: 'entries' | 'minutes' | 'amount') => groups.reduce((s, g) => s + g[k], 0);
      return {
        group_by: q.group_by, from: q.from ?? null, to: q.to ?? null, groups,
        totals: { entries: sum('entries'), minutes: sum('minutes'), hours: hoursOf(sum('minutes')), amount: Math.round(sum('amount') * 100) / 100 },
      };
    },

    /** The entries as CSV, safe to open in a spreadsheet (no formula injection). */
    async exportCsv(ctx: RequestContext, q: TimeQuery): Promise<string> {
      const rows = await filtered(ctx, q).selectAll().orderBy('start_time').orderBy('id').execute();
      const clients = await labelsFor('client', rows.map((r) => r.client_id));
      const projects = await labelsFor('project', rows.map((r) => r.project_id));
      const header = ['id', 'start_time', 'end_time', 'duration_minutes', 'hours', 'client', 'project', 'user_id', 'category', 'description', 'is_billable', 'hourly_rate', 'amount', 'invoiced_at', 'invoice_ref'];
      const lines = rows.map((r) => [
        r.id, r.start_time, r.end_time, r.duration_minutes, hoursOf(Number(r.duration_minutes)), clients.get(r.client_id) ?? r.client_id,
        r.project_id ? projects.get(r.project_id) ?? r.project_id : '', r.user_id, r.category, r.description, Number(r.is_billable) === 1 ? 'yes' : 'no',
        r.hourly_rate == null ? '' : Number(r.hourly_rate).toFixed(2), Number(r.amount).toFixed(2), r.invoiced_at, r.invoice_ref,
      ].map(csvCell).join(','));
      return [header.join(','), ...lines].join('\r\n') + '\r\n';
    },
  };

  async function labelsFor(groupBy: GroupBy, keys: (string | null)[]): Promise<Map<string, string>> {
    const ids = [...new Set(keys.filter((k): k is string => k != null))];
    if (!ids.length || (groupBy !== 'client' && groupBy !== 'project')) return new Map();
    const table = groupBy === 'client' ? 'clients' : 'projects';
    const rows = await db.selectFrom(table).select(['id', 'name']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id as string, r.name as string]));
  }
}

export type BillableTimeService = ReturnType<typeof createBillableTimeService>;
