import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const BillableTime = defineEntity({
  name: 'time entry', plural: 'time entries', table: 'billable_time', path: 'billable-time',
  fields: {
    client_id: f.ref('clients', { onDelete: 'restrict' }).describe('The client billed; a client with time entries cannot be deleted'),
    project_id: f.ref('projects', { onDelete: 'set null' }).optional(),
    session_id: f.ref('sessions', { onDelete: 'set null' }).optional(),
    work_item_id: f.ref('work_items', { onDelete: 'set null' }).optional(),
    user_id: f.ref('users', { onDelete: 'set null' }).optional().describe('Who did the work; defaults to the caller'),
    start_time: f.timestamp(),
    end_time: f.timestamp().describe('After start_time, at most 24 hours later'),
    duration_minutes: f.int({ min: 0 }).readOnly().describe('Derived from start and end'),
    hourly_rate: f.money().optional().describe("Defaults to the client's default_hourly_rate"),
    amount: f.money().readOnly().describe('Derived: hours (rounded to 2 decimals) x rate, rounded to cents'),
    is_billable: f.bool().default(true),
    category: f.text({ max: 60 }).optional(),
    description: f.longText(10_000).optional(),
    invoiced_at: f.timestamp().optional(),
    invoice_ref: f.text({ max: 100 }).optional(),
  },
  list: {
    filter: ['client_id', 'project_id', 'session_id', 'work_item_id', 'user_id', 'is_billable', 'category', 'invoice_ref'],
    search: ['description', 'category'], sort: ['start_time', 'end_time', 'amount', 'created_at'], defaultSort: '-start_time',
  },
  clientScope: 'client_id',
});
