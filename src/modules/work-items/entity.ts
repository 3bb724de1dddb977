import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const WorkItem = defineEntity({
  name: 'work item', plural: 'work items', table: 'work_items',
  fields: {
    session_id: f.ref('sessions', { onDelete: 'set null' }).optional(),
    client_id: f.ref('clients', { onDelete: 'set null' }).optional(),
    project_id: f.ref('projects', { onDelete: 'set null' }).optional(),
    category: f.enum(['infrastructure', 'troubleshooting', 'configuration', 'development', 'maintenance', 'security', 'documentation']),
    title: f.text({ max: 300, min: 1 }),
    description: f.longText(50_000).optional(),
    status: f.enum(['pending', 'in_progress', 'blocked', 'completed', 'deferred']).default('pending'),
    priority: f.enum(['low', 'medium', 'high', 'critical']).default('medium'),
    estimated_minutes: f.int({ min: 0, max: 1_000_000 }).optional(),
    actual_minutes: f.int({ min: 0, max: 1_000_000 }).optional(),
    affected_systems: f.json(z.array(z.string().max(200)).max(200)).optional(),
    technologies: f.json(z.array(z.string().max(60)).max(100)).optional(),
    completed_at: f.timestamp().optional(),
  },
  list: { filter: ['session_id', 'client_id', 'project_id', 'category', 'status', 'priority'], search: ['title', 'description'], sort: ['title', 'status', 'priority', 'created_at', 'completed_at'] },
  clientScope: 'client_id',
});
