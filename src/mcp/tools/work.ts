import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { BillableTime } from '../../modules/billable-time/entity.js';
import { Task } from '../../modules/tasks/entity.js';
import type { McpEnv } from '../env.js';
import { ClientHandle, ProjectHandle } from '../handles.js';
import { oneLine, renderIndex, renderRecord } from '../output.js';
import { tool } from '../tool.js';
import { listPage, pageInput } from './lists.js';

type Args = Record<string, unknown>;

/** The ids of the project and client handles given; a project alone implies its client. */
async function owner(env: McpEnv, project: unknown, client: unknown) {
  const projectRow = typeof project === 'string' ? await env.handles.project(project) : undefined;
  const clientId = typeof client === 'string' ? await env.handles.clientId(client) : (projectRow?.client_id as string | null | undefined) ?? undefined;
  return { project_id: projectRow ? String(projectRow.id) : undefined, client_id: clientId };
}

const TASK_WRITABLE = { title: true, description: true, task_type: true, status: true, blocking_reason: true, complexity: true, assigned_agent: true, task_order: true, parent_task_id: true, dependencies: true } as const;

export const listTasks = tool({
  name: 'list_tasks',
  title: 'List tasks (index)',
  description: 'Tasks, one line each with status, title and id, in task order; optionally of one project or client, one status, or matching text. Pages with offset.',
  input: Task.schemas.listQuery.pick({ status: true, q: true, assigned_agent: true }).extend({
    project: ProjectHandle.optional(), client: ClientHandle.optional(), ...pageInput(30, 100),
  }),
  effect: 'read',
  async run(args, env) {
    const { project, client, ...query } = args as Args;
    const page = await listPage(env, env.services.tasks, { ...query, ...(await owner(env, project, client)) });
    const lines = page.items.map((t) => `- [${t.status}] ${oneLine(String(t.title), 120)} · ${t.id}${t.blocking_reason ? ` · blocked: ${oneLine(String(t.blocking_reason), 80)}` : ''}`);
    return renderIndex('Tasks ([status] title · id):', { lines, offset: page.offset, total: page.total }, 'No tasks match.');
  },
});

export const createTask = tool({
  name: 'create_task',
  title: 'Create a task',
  description: 'Adds a task (to a project and/or client). A blocked task needs blocking_reason; dependencies are ids of tasks it waits for. Answers the stored task.',
  input: Task.schemas.create.pick(TASK_WRITABLE).extend({ project: ProjectHandle.optional(), client: ClientHandle.optional() }),
  effect: 'create',
  async run(args, env) {
    const { project, client, ...values } = args as Args;
    return renderRecord(await env.services.tasks.create(env.ctx, { ...values, ...(await owner(env, project, client)) }));
  },
});

export const updateTask = tool({
  name: 'update_task',
  title: 'Update a task',
  description: 'Changes the fields given of one task, e.g. status "in_progress" when starting and "completed" when done (the server sets started_at and completed_at). Answers the stored task.',
  input: Task.schemas.update.pick(TASK_WRITABLE).extend({ id: z.uuid().describe('The task id (from list_tasks)') }),
  effect: 'update',
  async run(args, env) {
    const { id, ...patch } = args as Args & { id: string };
    return renderRecord(await env.services.tasks.update(env.ctx, id, patch));
  },
});

const time = BillableTime.schemas.create.shape;

export const logTime = tool({
  name: 'log_time',
  title: 'Log billable time',
  description: 'Records time worked for a client: give minutes (ending now, or at end_time, or starting at start_time), or start_time and end_time. '
    + "The rate defaults to the client's; the amount is computed. A project implies its client. Answers the stored entry.",
  input: BillableTime.schemas.create.pick({ description: true, category: true, is_billable: true, hourly_rate: true, session_id: true, work_item_id: true }).extend({
    client: ClientHandle.optional().describe('The client billed: its short code or id (or give project)'),
    project: ProjectHandle.optional(),
    minutes: z.int().min(1).max(1440).optional().describe('How long the work took, in minutes'),
    start_time: time.start_time.optional(),
    end_time: time.end_time.optional(),
  }),
  effect: 'create',
  async run(args, env) {
    const { client, project, minutes, start_time, end_time, ...values } = args as Args & { minutes?: number; start_time?: string; end_time?: string };
    const ids = await owner(env, project, client);
    if (!ids.client_id) throw AppError.validation([{ path: 'client', message: 'give the client (or a project that belongs to one)' }]);
    // The same rule as `claudetools time log`: minutes end now unless a start or an end anchors them.
    const span = (minutes ?? 0) * 60_000;
    const end = end_time ?? (start_time && minutes ? new Date(Date.parse(start_time) + span).toISOString() : env.services.clock.now().toISOString());
    const start = start_time ?? (minutes ? new Date(Date.parse(end) - span).toISOString() : undefined);
    if (!start) throw AppError.validation([{ path: 'minutes', message: 'give minutes, or start_time and end_time' }]);
    return renderRecord(await env.services.billableTime.create(env.ctx, { ...values, ...ids, start_time: start, end_time: end }));
  },
});

export const workTools = [listTasks, createTask, updateTask, logTime];
