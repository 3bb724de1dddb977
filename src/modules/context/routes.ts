import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../core/pagination.js';
import type { CrudService } from '../../entities/crud-service.js';
import { IdParams } from '../../entities/define-entity.js';
import { byParentRoute } from '../../http/by-parent.js';
import { crudRoutes } from '../../http/crud-routes.js';
import { route } from '../../http/route.js';
import { ContextSnippet, DecisionLog, IMPACTS, ProjectState } from './entities.js';
import type { ContextServices, MemoryKind } from './service.js';

const tagOf = (service: CrudService) => service.entity.plural[0].toUpperCase() + service.entity.plural.slice(1);

const Limit = (fallback: number) => z.coerce.number().int().min(1).max(MAX_LIMIT).default(fallback).describe(`How many (max ${MAX_LIMIT})`);
const Scope = {
  project_id: z.uuid().optional().describe("Only this project's items"),
  client_id: z.uuid().optional().describe("Only this client's items"),
};
const TagsQuery = z.strictObject({
  tags: z.string().max(5000).transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(100)).min(1).max(50)).describe('Comma-separated tag names (case does not matter)'),
  match: z.enum(['any', 'all']).default('any').describe('any: items with at least one of the tags; all: items with every one'),
  ...Scope,
  limit: Limit(DEFAULT_LIMIT),
  offset: z.coerce.number().int().min(0).default(0),
});
const TopQuery = z.strictObject({ ...Scope, limit: Limit(10) });
const ImpactParams = z.strictObject({ impact: z.enum(IMPACTS).describe('low, medium, high or critical') });

/** Parents people navigate from, for the by-parent lists. */
export interface ContextParents {
  clients: CrudService<any>;
  projects: CrudService<any>;
  sessions: CrudService<any>;
  machines: CrudService<any>;
}

/** The context-recall resources: CRUD for the four tables, tag and usage queries, project state by project. */
export function contextRoutes(app: FastifyInstance, s: ContextServices, parents: ContextParents) {
  const snippets = tagOf(s.contextSnippets);
  route(app, {
    method: 'GET', url: '/api/context-snippets/by-tags', tag: snippets, summary: 'List context snippets by tags',
    description: 'Most matching tags first, then pinned, then relevance. Expired snippets are left out.',
    query: TagsQuery, response: ContextSnippet.schemas.page,
    handler: ({ ctx, query }) => s.byTags(ctx, 'context_snippet', query),
  });
  route(app, {
    method: 'GET', url: '/api/context-snippets/top', tag: snippets, summary: 'List the most used context snippets',
    description: 'By usage_count, then relevance_score. Expired snippets are left out.',
    query: TopQuery, response: z.object({ items: z.array(ContextSnippet.schemas.row) }),
    handler: ({ ctx, query }) => s.top(ctx, 'context_snippet', query),
  });

  const states = tagOf(s.projectStates);
  route(app, {
    method: 'GET', url: '/api/project-states/by-project/:id', tag: states, summary: "Get a project's state",
    params: IdParams, response: ProjectState.schemas.row,
    handler: ({ ctx, params }) => s.projectStates.getByProject(ctx, params.id),
  });
  route(app, {
    method: 'PUT', url: '/api/project-states/by-project/:id', tag: states, summary: "Create or update a project's state",
    description: 'One state per project: the first PUT creates it, later ones update the fields they carry.',
    params: IdParams, body: ProjectState.schemas.update, response: ProjectState.schemas.row,
    handler: async ({ ctx, params, body }) => (await s.projectStates.upsertByProject(ctx, params.id, body)).row,
  });

  const decisions = tagOf(s.decisionLogs);
  route(app, {
    method: 'GET', url: '/api/decision-logs/by-project/:id', tag: decisions, summary: "List a project's decision logs",
    params: IdParams, query: DecisionLog.schemas.listQuery.omit({ project_id: true }), response: DecisionLog.schemas.page,
    handler: async ({ ctx, params, query }) => {
      await parents.projects.get(ctx, params.id);
      return s.decisionLogs.list(ctx, { ...query, project_id: params.id });
    },
  });
  route(app, {
    method: 'GET', url: '/api/decision-logs/by-impact/:impact', tag: decisions, summary: 'List decision logs of one impact',
    params: ImpactParams, query: DecisionLog.schemas.listQuery.omit({ impact: true }), response: DecisionLog.schemas.page,
    handler: ({ ctx, params, query }) => s.decisionLogs.list(ctx, { ...query, impact: params.impact }),
  });

  const kinds: [MemoryKind, CrudService][] = [['conversation_context', s.conversationContexts], ['context_snippet', s.contextSnippets], ['decision_log', s.decisionLogs]];
  for (const [kind, service] of kinds) {
    route(app, {
      method: 'POST', url: `/api/${service.entity.path}/:id/use`, tag: tagOf(service), summary: `Record a use of a ${service.entity.name}`,
      description: 'Adds one to usage_count (atomically) and sets last_used_at to now.',
      params: IdParams, response: service.entity.schemas.row,
      handler: ({ ctx, params }) => s.use(ctx, kind, params.id),
    });
  }

  for (const service of [s.conversationContexts, s.contextSnippets, s.projectStates, s.decisionLogs]) crudRoutes(app, service);

  const { clients, projects, sessions, machines } = parents;
  const nav: [CrudService<any>, CrudService<any>, string][] = [
    [projects, s.contextSnippets, 'project_id'], [projects, s.decisionLogs, 'project_id'], [projects, s.conversationContexts, 'project_id'],
    [sessions, s.conversationContexts, 'session_id'], [sessions, s.contextSnippets, 'session_id'], [sessions, s.decisionLogs, 'session_id'],
    [clients, s.contextSnippets, 'client_id'], [clients, s.conversationContexts, 'client_id'], [clients, s.decisionLogs, 'client_id'],
    [machines, s.conversationContexts, 'machine_id'],
  ];
  for (const [parent, child, field] of nav) byParentRoute(app, parent, child, field);
}
