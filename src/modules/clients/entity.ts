import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const Client = defineEntity({
  name: 'client', plural: 'clients', table: 'clients',
  fields: {
    name: f.text({ max: 200, min: 1 }).describe('Company name; unique'),
    short_code: f.text({ max: 20, min: 1, pattern: /^[A-Za-z0-9_-]+$/ }).describe('Short unique code, e.g. ACME'),
    client_type: f.enum(['msp_client', 'internal', 'prospect']).default('msp_client'),
    status: f.enum(['active', 'inactive']).default('active'),
    primary_contact: f.text({ max: 200 }).optional(),
    email: f.email().optional(),
    phone: f.text({ max: 50 }).optional(),
    address: f.text({ max: 500 }).optional(),
    website: f.url().optional(),
    default_hourly_rate: f.money().optional().describe('Rate billable time uses when an entry gives none'),
    notes: f.longText(20_000).optional(),
  },
  list: { filter: ['status', 'client_type', 'short_code'], search: ['name', 'short_code', 'primary_contact'], sort: ['name', 'short_code', 'created_at', 'updated_at'], defaultSort: 'name' },
  clientScope: 'id',
  unique: [['name'], ['short_code']],
});
