import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());
const id = z.uuid();

const common = {
  key: z.string().min(1).max(100).describe('Idempotency key chosen by the hook client; the same key twice applies once'),
  at: isoTime.describe('When it happened, by the client clock (clamped to the server clock when in the future)'),
  session: z.string().min(1).max(200).describe('The Claude Code session id (our sessions.external_session_id)'),
};

export const SessionStartEvent = z.strictObject({
  ...common, type: z.literal('session_start'),
  data: z.strictObject({
    source: z.string().max(30).optional(),
    cwd: z.string().max(1000).optional(),
    git_branch: z.string().max(255).optional(),
    git_remote: z.string().max(1000).optional(),
    machine_id: id.optional(),
    mode: z.enum(['msp', 'development', 'normal']).optional(),
    project_id: id.optional(),
    client_id: id.optional(),
  }),
});

export const FileChangeEvent = z.strictObject({
  ...common, type: z.literal('file_change'),
  data: z.strictObject({
    file_path: z.string().min(1).max(1000),
    tool: z.string().max(50).optional(),
    change_type: z.enum(['created', 'modified', 'deleted', 'renamed']).default('modified'),
    lines_added: z.int().min(0).optional(),
    lines_removed: z.int().min(0).optional(),
    summary: z.string().max(2000).optional(),
  }),
});

export const CommandRunEvent = z.strictObject({
  ...common, type: z.literal('command_run'),
  data: z.strictObject({
    command: z.string().min(1).max(10_000),
    cwd: z.string().max(1000).optional(),
    exit_code: z.int().optional(),
    success: z.boolean(),
    output_summary: z.string().max(4000).optional(),
  }),
});

export const SessionEndEvent = z.strictObject({
  ...common, type: z.literal('session_end'),
  data: z.strictObject({ reason: z.string().max(50).optional() }),
});

export const HookEvent = z.discriminatedUnion('type', [SessionStartEvent, FileChangeEvent, CommandRunEvent, SessionEndEvent]);
export type HookEvent = z.infer<typeof HookEvent>;

export const EventsBody = z.strictObject({ events: z.array(HookEvent).min(1).max(200) });
export const EventsResult = z.object({
  applied: z.number().describe('Events applied now'),
  duplicates: z.number().describe('Events whose key was already applied: nothing done'),
  rejected: z.array(z.object({ key: z.string(), reason: z.string() })).describe('Events that can never apply (they name a row that is gone); the client sets them aside'),
});

export const ScopeBody = z.strictObject({
  cwd: z.string().max(1000).optional(),
  git_remote: z.string().max(1000).optional(),
  project_id: id.optional(),
  client_id: id.optional(),
});
export const ScopeResult = z.object({ project_id: z.string().nullable(), client_id: z.string().nullable(), project_name: z.string().nullable() });

export const BriefBody = ScopeBody.extend({
  session: z.string().min(1).max(200).optional().describe('The current Claude Code session, left out of "last session"'),
  token_budget: z.int().min(50).max(5000).default(600),
});
export const BriefResult = ScopeResult.extend({ text: z.string(), tokens: z.number() });

export const TimeProposal = z.object({
  id: z.string(), session_id: z.string(), client_id: z.string(), project_id: z.string().nullable(),
  start_time: z.string(), end_time: z.string(), duration_minutes: z.number(), description: z.string().nullable(),
  status: z.enum(['pending', 'confirmed', 'dropped']), billable_time_id: z.string().nullable(), created_at: z.string(), updated_at: z.string(),
});
export const ProposalQuery = z.strictObject({ status: z.enum(['pending', 'confirmed', 'dropped']).default('pending') });
