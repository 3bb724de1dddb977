import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const Project = defineEntity({
  name: 'project', plural: 'projects', table: 'projects',
  fields: {
    client_id: f.ref('clients', { onDelete: 'set null' }).optional().describe('The client the project is for; null for internal work'),
    name: f.text({ max: 200, min: 1 }),
    slug: f.text({ max: 100, min: 1, pattern: /^[a-z0-9][a-z0-9-]*$/ }).describe('Unique lowercase identifier, e.g. "acme-portal"'),
    description: f.longText(20_000).optional(),
    status: f.enum(['planning', 'active', 'on_hold', 'completed', 'archived']).default('active'),
    repo_url: f.url().optional(),
    local_path: f.text({ max: 1000 }).optional(),
    tech_stack: f.json(z.array(z.string().max(60)).max(100)).optional(),
    started_at: f.timestamp().optional(),
    due_at: f.timestamp().optional(),
    budget_hours: f.number({ min: 0, max: 1e6 }).optional(),
  },
  list: { filter: ['client_id', 'status', 'slug'], search: ['name', 'slug', 'description'], sort: ['name', 'slug', 'status', 'due_at', 'created_at', 'updated_at'], defaultSort: 'name' },
  clientScope: 'client_id',
  unique: [['slug']],
  ordered: [['started_at', 'due_at']],
});
