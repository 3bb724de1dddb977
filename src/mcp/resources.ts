import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { isAppError } from '../core/errors.js';
import type { McpEnv } from './env.js';
import { clip } from '../memory/clip.js';
import { day, renderRecord } from './output.js';
import { describeAppError } from './tool.js';
import { listPage } from './tools/lists.js';
import { projectState } from './tools/projects.js';

/** Resources list the projects a client can attach; more than this and the agent should use list_projects. */
const LISTED_PROJECTS = 100;
const RECENT_DECISIONS = 20;

const uriOf = (project: unknown, part: string) => `claudetools://projects/${project}/${part}`;

/**
 * Runs a resource handler (a list or a read): a failure says why like a tool does (JSON-RPC errors carry
 * the message) for an AppError, and anything else is logged and hidden behind a generic message.
 */
async function guarded<T>(env: McpEnv, doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    // Imported here, not at the top: the SDK loads on the first MCP request (see buildMcpServer).
    const { ErrorCode, McpError } = await import('@modelcontextprotocol/sdk/types.js');
    if (isAppError(err)) throw new McpError(ErrorCode.InvalidParams, describeAppError(err));
    env.onError?.(err);
    throw new McpError(ErrorCode.InternalError, `${doing} failed unexpectedly; the server log has the details.`);
  }
}

const read = (env: McpEnv, uri: URL, mimeType: string, produce: () => Promise<string>): Promise<ReadResourceResult> =>
  guarded(env, 'Reading the resource', async () => ({ contents: [{ uri: uri.href, mimeType, text: await produce() }] }));

/** Lists the visible projects as resources of one kind (state or decisions). */
const listed = (env: McpEnv, part: string, label: string) => () => guarded(env, 'Listing the resources', async () => {
  const page = await listPage(env, env.services.projects, { sort: '-updated_at', limit: LISTED_PROJECTS });
  return { resources: page.items.map((p) => ({ uri: uriOf(p.slug, part), name: `${p.slug} ${label}`, title: `${p.name}: ${label}` })) };
});

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

/** Where a project stands and what was decided in it: what an agent reads when it resumes work. */
export async function registerResources(server: McpServer, env: McpEnv): Promise<void> {
  const { ResourceTemplate } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  server.registerResource('project-state', new ResourceTemplate(uriOf('{project}', 'state'), { list: listed(env, 'state', 'state') }), {
    title: 'Project state', mimeType: 'application/json',
    description: "A project's current state (phase, progress, blockers, next actions, key files, decisions); {project} is its slug or id.",
  }, (uri, vars) => read(env, uri, 'application/json', async () => {
    const { project, state } = await projectState(env, one(vars.project));
    return renderRecord({ project: { id: project.id, slug: project.slug, name: project.name }, state });
  }));

  server.registerResource('project-decisions', new ResourceTemplate(uriOf('{project}', 'decisions'), { list: listed(env, 'decisions', 'recent decisions') }), {
    title: 'Recent project decisions', mimeType: 'text/markdown',
    description: `The ${RECENT_DECISIONS} most recent decisions logged for a project, newest first; {project} is its slug or id.`,
  }, (uri, vars) => read(env, uri, 'text/markdown', async () => {
    const project = await env.handles.project(one(vars.project));
    const page = await listPage(env, env.services.context.decisionLogs, { project_id: project.id, sort: '-created_at', limit: RECENT_DECISIONS });
    const lines = page.items.map((d) => `- ${day(d.occurred_at ?? d.created_at)} [${d.impact}] ${clip(String(d.decision_text), 400)}${d.rationale ? ` (why: ${clip(String(d.rationale), 200)})` : ''} · ${d.id}`);
    return `# Decisions in ${project.name} (${page.items.length} of ${page.total})\n${lines.length ? lines.join('\n') : '(none logged yet)'}`;
  }));
}
