import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const Session = defineEntity({
  name: 'session', plural: 'sessions', table: 'sessions',
  fields: {
    machine_id: f.ref('machines', { onDelete: 'set null' }).optional().describe('The machine the session ran on'),
    client_id: f.ref('clients', { onDelete: 'set null' }).optional(),
    project_id: f.ref('projects', { onDelete: 'set null' }).optional(),
    mode: f.enum(['msp', 'development', 'normal']).default('normal'),
    external_session_id: f.text({ max: 200 }).optional().describe('The Claude Code session id; unique'),
    title: f.text({ max: 300 }).optional(),
    summary: f.longText(50_000).optional(),
    cwd: f.text({ max: 1000 }).optional(),
    git_branch: f.text({ max: 255 }).optional(),
    started_at: f.timestamp().optional().describe('Defaults to now'),
    ended_at: f.timestamp().optional(),
    duration_minutes: f.int({ min: 0 }).optional().readOnly().describe('Computed when the session ends'),
    status: f.enum(['active', 'completed', 'abandoned']).default('active'),
    is_billable: f.bool().default(false),
  },
  list: {
    filter: ['machine_id', 'client_id', 'project_id', 'mode', 'status', 'external_session_id', 'is_billable'],
    search: ['title', 'summary'], sort: ['started_at', 'ended_at', 'created_at'], defaultSort: '-started_at',
  },
  clientScope: 'client_id',
  unique: [['external_session_id']],
  ordered: [['started_at', 'ended_at']],
});
