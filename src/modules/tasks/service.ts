import type { Kysely } from 'kysely';
import { AppError } from '../../core/errors.js';
import { createCrudService, type CrudDeps } from '../../entities/crud-service.js';
import { assertNotOwnAncestor } from '../../entities/hierarchy.js';
import { Task } from './entity.js';

/** Dependencies must exist, never include the task itself, and never loop back to it. */
async function checkDependencies(db: Kysely<any>, taskId: string | null, deps: string[] | null | undefined) {
  if (!deps?.length) return;
  const errors = [];
  for (const [i, dep] of deps.entries()) {
    if (dep === taskId) errors.push({ path: `dependencies.${i}`, message: 'a task cannot depend on itself', code: 'cycle' });
    else if (!(await db.selectFrom('tasks').select('id').where('id', '=', dep).executeTakeFirst())) {
      errors.push({ path: `dependencies.${i}`, message: `no task with id ${dep}`, code: 'unknown_reference' });
    }
  }
  if (errors.length) throw AppError.unprocessable('The dependencies are not valid', errors, errors[0].code);
  if (!taskId) return;
  // Depth-first over what the dependencies wait for: reaching this task again is a cycle.
  const seen = new Set<string>();
  const stack = [...deps];
  while (stack.length) {
    const next = stack.pop()!;
    if (next === taskId) throw AppError.unprocessable('The dependencies would make a cycle', [{ path: 'dependencies', message: 'would make a cycle', code: 'cycle' }], 'cycle');
    if (seen.has(next) || seen.size > 10_000) continue;
    seen.add(next);
    const row = await db.selectFrom('tasks').select('dependencies').where('id', '=', next).executeTakeFirst();
    if (row?.dependencies) stack.push(...(JSON.parse(row.dependencies) as string[]));
  }
}

/**
 * Tasks: a hierarchy without cycles, a dependency list without cycles, and status times the server
 * keeps: started_at when work starts, completed_at when it completes (cleared when reopened).
 */
export function createTaskService(deps: CrudDeps) {
  const now = () => deps.clock.now().toISOString();
  const statusTimes = (status: unknown, current: Record<string, unknown> = {}) => {
    const out: Record<string, unknown> = {};
    if ((status === 'in_progress' || status === 'completed') && !current.started_at) out.started_at = now();
    if (status === 'completed' && !current.completed_at) out.completed_at = now();
    if (status !== undefined && status !== 'completed') out.completed_at = null;
    return out;
  };
  const requireReason = (values: Record<string, unknown>) => {
    if (values.status === 'blocked' && !values.blocking_reason) {
      throw AppError.validation([{ path: 'blocking_reason', message: 'is required when the status is blocked' }]);
    }
  };
  return createCrudService(Task, deps, {
    async beforeCreate(values, _ctx, trx) {
      requireReason(values);
      await checkDependencies(trx, null, values.dependencies as string[] | null);
      return { ...values, ...statusTimes(values.status) };
    },
    async beforeUpdate(patch, current, _ctx, trx) {
      const id = String(current.id);
      requireReason({ ...Task.decode(current), ...patch });
      if (patch.parent_task_id !== undefined) await assertNotOwnAncestor(trx, 'tasks', 'parent_task_id', id, patch.parent_task_id, 'task');
      if (patch.dependencies !== undefined) await checkDependencies(trx, id, patch.dependencies as string[] | null);
      return patch.status !== undefined && patch.status !== current.status ? { ...patch, ...statusTimes(patch.status, current) } : patch;
    },
  });
}
