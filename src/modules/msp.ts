import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createCrudService, type CrudDeps, type CrudHooks } from '../entities/crud-service.js';
import { IdParams } from '../entities/define-entity.js';
import { byParentRoute } from '../http/by-parent.js';
import { crudRoutes } from '../http/crud-routes.js';
import { route } from '../http/route.js';
import * as E from './all-entities.js';
import { createBillableTimeService } from './billable-time/service.js';
import { createInfrastructureService } from './infrastructure/service.js';
import { createServiceRelationshipService } from './services/service.js';
import { createSessionService } from './sessions/service.js';
import { createTagging, tagRoutes } from './tags/tagging.js';
import { createTaskService } from './tasks/service.js';
import { forgetsScope } from './memory/scope-index.js';

/** The MSP work-tracking services: plain entities through the generic CRUD, the rest with their rules. */
export function buildMspServices(deps: CrudDeps) {
  const plain = <T extends Parameters<typeof createCrudService>[0]>(entity: T, hooks?: CrudHooks) => createCrudService(entity, deps, hooks);
  return {
    // Deleting a project or client nulls the memories' reference in the database; their index tokens follow.
    clients: plain(E.Client, forgetsScope('client_id', deps)),
    tags: plain(E.Tag),
    projects: plain(E.Project, forgetsScope('project_id', deps)),
    sessions: createSessionService(deps),
    workItems: plain(E.WorkItem),
    tasks: createTaskService(deps),
    billableTime: createBillableTimeService(deps),
    sites: plain(E.Site),
    infrastructure: createInfrastructureService(deps),
    services: plain(E.Service),
    serviceRelationships: createServiceRelationshipService(deps),
    networks: plain(E.Network),
    firewallRules: plain(E.FirewallRule),
    m365Tenants: plain(E.M365Tenant),
    fileChanges: plain(E.FileChange),
    commandRuns: plain(E.CommandRun),
    problemSolutions: plain(E.ProblemSolution),
    environmentalInsights: plain(E.EnvironmentalInsight),
    failurePatterns: plain(E.FailurePattern),
    backupLogs: plain(E.BackupLog),
    tagging: createTagging(deps),
  };
}

export type MspServices = ReturnType<typeof buildMspServices>;

const TimeQuery = z.strictObject({
  client_id: z.uuid().optional(),
  project_id: z.uuid().optional(),
  user_id: z.uuid().optional(),
  is_billable: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  from: z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString()).optional().describe('Entries starting at or after this time'),
  to: z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString()).optional().describe('Entries starting before this time'),
});
const Summary = z.object({
  group_by: z.string(), from: z.string().nullable(), to: z.string().nullable(),
  groups: z.array(z.object({ key: z.string().nullable(), label: z.string(), entries: z.number(), minutes: z.number(), hours: z.number(), billable_hours: z.number(), amount: z.number() })),
  totals: z.object({ entries: z.number(), minutes: z.number(), hours: z.number(), amount: z.number() }),
});

export function mspRoutes(app: FastifyInstance, s: MspServices, machines: Parameters<typeof byParentRoute>[1]) {
  // Specific routes first so they read clearly next to the generic ones.
  route(app, {
    method: 'GET', url: '/api/billable-time/summary', tag: 'Time entries', summary: 'Hours and amounts grouped by client, project, category or day',
    query: TimeQuery.extend({ group_by: z.enum(['client', 'project', 'category', 'day']).default('client') }), response: Summary,
    handler: ({ ctx, query }) => s.billableTime.summary(ctx, query),
  });
  route(app, {
    method: 'GET', url: '/api/billable-time/export.csv', tag: 'Time entries', summary: 'Export time entries as CSV (spreadsheet-safe)',
    query: TimeQuery, response: z.string().describe('text/csv'),
    handler: async ({ ctx, query, reply }) => {
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="time-entries.csv"');
      return s.billableTime.exportCsv(ctx, query);
    },
  });
  route(app, {
    method: 'POST', url: '/api/sessions/:id/end', tag: 'Sessions', summary: 'End a session and compute its duration',
    params: IdParams, body: z.strictObject({
      ended_at: z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString()).optional(),
      summary: z.string().max(50_000).optional(),
      status: z.enum(['completed', 'abandoned']).optional(),
    }).nullish(), response: E.Session.schemas.row,
    handler: ({ ctx, params, body }) => s.sessions.end(ctx, params.id, body ?? {}),
  });

  for (const service of [s.clients, s.tags, s.projects, s.sessions, s.workItems, s.tasks, s.billableTime, s.sites, s.infrastructure,
    s.services, s.serviceRelationships, s.networks, s.firewallRules, s.m365Tenants, s.fileChanges, s.commandRuns,
    s.problemSolutions, s.environmentalInsights, s.failurePatterns, s.backupLogs]) {
    crudRoutes(app, service);
  }

  const nav: [Parameters<typeof byParentRoute>[1], Parameters<typeof byParentRoute>[2], string, string?][] = [
    [s.clients, s.sites, 'client_id'], [s.clients, s.projects, 'client_id'], [s.clients, s.infrastructure, 'client_id'],
    [s.clients, s.networks, 'client_id'], [s.clients, s.m365Tenants, 'client_id'], [s.clients, s.sessions, 'client_id'],
    [s.clients, s.workItems, 'client_id'], [s.clients, s.tasks, 'client_id'], [s.clients, s.billableTime, 'client_id'],
    [s.clients, s.problemSolutions, 'client_id'], [s.clients, s.environmentalInsights, 'client_id'], [s.clients, s.failurePatterns, 'client_id'],
    [s.projects, s.tasks, 'project_id'], [s.projects, s.sessions, 'project_id'], [s.projects, s.workItems, 'project_id'],
    [s.projects, s.billableTime, 'project_id'], [s.projects, s.fileChanges, 'project_id'],
    [s.sites, s.infrastructure, 'site_id'], [s.sites, s.networks, 'site_id'],
    [s.infrastructure, s.services, 'infrastructure_id'], [s.infrastructure, s.firewallRules, 'infrastructure_id'],
    [s.infrastructure, s.infrastructure, 'parent_host_id', 'children'],
    [s.services, s.serviceRelationships, 'from_service_id', 'relationships'],
    [s.sessions, s.workItems, 'session_id'], [s.sessions, s.tasks, 'session_id'], [s.sessions, s.fileChanges, 'session_id'],
    [s.sessions, s.commandRuns, 'session_id'], [s.sessions, s.billableTime, 'session_id'],
    [s.workItems, s.tasks, 'work_item_id'], [s.tasks, s.tasks, 'parent_task_id', 'subtasks'],
    [machines, s.sessions, 'machine_id'],
  ];
  for (const [parent, child, field, segment] of nav) byParentRoute(app, parent, child, field, segment);

  for (const owner of [s.clients, s.projects, s.sessions, s.workItems]) tagRoutes(app, owner, s.tagging);
}
