import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IdParams } from '../../entities/define-entity.js';
import { route } from '../../http/route.js';
import { BriefBody, BriefResult, EventsBody, EventsResult, ProposalQuery, ScopeBody, ScopeResult, TimeProposal } from './schemas.js';
import type { HookService } from './service.js';
import type { createTimeProposalService } from './time-proposals.js';

export function hookRoutes(app: FastifyInstance, hooks: HookService, proposals: ReturnType<typeof createTimeProposalService>) {
  const tag = 'Claude Code hooks';
  route(app, {
    method: 'POST', url: '/api/hooks/events', tag, summary: 'Deliver spooled hook events (session start/end, file changes, commands); each key applies once',
    body: EventsBody, response: EventsResult, handler: ({ ctx, body }) => hooks.applyEvents(ctx, body.events),
  });
  route(app, {
    method: 'POST', url: '/api/hooks/scope', tag, summary: 'The project and client a working directory or git remote belongs to',
    body: ScopeBody, response: ScopeResult, handler: ({ ctx, body }) => hooks.scope(ctx, body),
  });
  route(app, {
    method: 'POST', url: '/api/hooks/brief', tag, summary: 'The session-start brief: project state, last session, open tasks, recent decisions, within a token budget',
    body: BriefBody, response: BriefResult, handler: ({ ctx, body }) => hooks.brief(ctx, body),
  });
  const ptag = 'Time proposals';
  route(app, {
    method: 'GET', url: '/api/time-proposals', tag: ptag, summary: 'Billable time proposed by MSP-mode sessions',
    query: ProposalQuery, response: z.object({ items: z.array(TimeProposal) }), handler: ({ ctx, query }) => proposals.list(ctx, query.status) as never,
  });
  route(app, {
    method: 'POST', url: '/api/time-proposals/:id/confirm', tag: ptag, summary: 'Confirm a proposal: it becomes a time entry',
    params: IdParams, response: TimeProposal, handler: ({ ctx, params }) => proposals.confirm(ctx, params.id) as never,
  });
  route(app, {
    method: 'POST', url: '/api/time-proposals/:id/drop', tag: ptag, summary: 'Drop a proposal',
    params: IdParams, response: TimeProposal, handler: ({ ctx, params }) => proposals.drop(ctx, params.id) as never,
  });
}
