import { z } from 'zod';
import { isAppError } from '../../core/errors.js';
import { ProjectState } from '../../modules/context/entities.js';
import { Project } from '../../modules/projects/entity.js';
import type { McpEnv } from '../env.js';
import { ClientHandle, ProjectHandle } from '../handles.js';
import { oneLine, renderIndex, renderRecord } from '../output.js';
import { tool } from '../tool.js';
import { listPage, pageInput } from './lists.js';

/** The project's state, or null when none was recorded yet (the project itself must be visible: 404 otherwise). */
export async function projectState(env: McpEnv, handle: string) {
  const project = await env.handles.project(handle);
  try {
    return { project, state: await env.services.context.projectStates.getByProject(env.ctx, String(project.id)) };
  } catch (err) {
    if (isAppError(err) && err.code === 'not_found') return { project, state: null };
    throw err;
  }
}

export const getProjectState = tool({
  name: 'get_project_state',
  title: "Get a project's state",
  description: "Where a project stands: phase, progress, blockers, next actions, key files, important decisions and a summary. Read it when resuming work on a project.",
  input: z.strictObject({ project: ProjectHandle }),
  effect: 'read',
  async run({ project }, env) {
    const { project: row, state } = await projectState(env, project);
    if (!state) return `No state recorded yet for project ${row.slug} (${row.id}); update_project_state creates it.`;
    return renderRecord({ project: { id: row.id, slug: row.slug, name: row.name }, state });
  },
});

export const updateProjectState = tool({
  name: 'update_project_state',
  title: "Update a project's state",
  description: "Creates or updates a project's state; only the fields given change, and a list given replaces the stored list whole "
    + '(read get_project_state first to add to one). Record it at milestones and before ending a session.',
  input: ProjectState.schemas.update.extend({ project: ProjectHandle }),
  effect: 'update',
  async run(args, env) {
    const { project, ...patch } = args as Record<string, unknown> & { project: string };
    const row = await env.handles.project(project);
    const { row: state, created } = await env.services.context.projectStates.upsertByProject(env.ctx, String(row.id), patch);
    return `${created ? 'Created' : 'Updated'} the state of project ${row.slug}:\n${renderRecord(state)}`;
  },
});

export const listProjects = tool({
  name: 'list_projects',
  title: 'List projects (index)',
  description: 'Projects you can see, one line each with slug, name, status and id; optionally of one client, a status, or matching text. Pages with offset.',
  input: Project.schemas.listQuery.pick({ q: true, status: true }).extend({ client: ClientHandle.optional(), ...pageInput(30, 100) }),
  effect: 'read',
  async run(args, env) {
    const { client, ...query } = args as Record<string, unknown> & { client?: string; offset: number };
    const page = await listPage(env, env.services.projects, { ...query, client_id: await env.handles.clientId(client) });
    const lines = page.items.map((p) => `- ${p.slug} · ${oneLine(String(p.name), 80)} · ${p.status} · ${p.id}`);
    return renderIndex('Projects (slug · name · status · id):', { lines, offset: page.offset, total: page.total }, 'No projects match.');
  },
});

export const projectTools = [getProjectState, updateProjectState, listProjects];
