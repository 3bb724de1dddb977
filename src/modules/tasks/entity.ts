import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const TASK_STATUSES = ['pending', 'in_progress', 'blocked', 'completed', 'cancelled'] as const;

export const Task = defineEntity({
  name: 'task', plural: 'tasks', table: 'tasks',
  fields: {
    parent_task_id: f.ref('tasks', { onDelete: 'cascade' }).optional().describe('The parent task; a task cannot be its own ancestor'),
    session_id: f.ref('sessions', { onDelete: 'set null' }).optional(),
    client_id: f.ref('clients', { onDelete: 'set null' }).optional(),
    project_id: f.ref('projects', { onDelete: 'set null' }).optional(),
    work_item_id: f.ref('work_items', { onDelete: 'set null' }).optional(),
    title: f.text({ max: 300, min: 1 }),
    description: f.longText(50_000).optional(),
    task_type: f.enum(['implementation', 'research', 'review', 'deployment', 'testing', 'documentation', 'bugfix', 'analysis']).default('implementation'),
    status: f.enum(TASK_STATUSES).default('pending'),
    blocking_reason: f.text({ max: 1000 }).optional(),
    assigned_agent: f.text({ max: 100 }).optional(),
    complexity: f.enum(['trivial', 'simple', 'moderate', 'complex', 'very_complex']).optional(),
    task_order: f.int({ min: 0 }).default(0),
    dependencies: f.json(z.array(z.uuid()).max(100)).optional().describe('Ids of tasks this one waits for; no cycles'),
    started_at: f.timestamp().optional().readOnly().describe('Set by the server when the status becomes in_progress'),
    completed_at: f.timestamp().optional().readOnly().describe('Set by the server when the status becomes completed'),
  },
  list: {
    filter: ['parent_task_id', 'session_id', 'client_id', 'project_id', 'work_item_id', 'status', 'task_type', 'assigned_agent'],
    search: ['title', 'description'], sort: ['task_order', 'title', 'status', 'created_at', 'completed_at'], defaultSort: 'task_order',
  },
  clientScope: 'client_id',
});
