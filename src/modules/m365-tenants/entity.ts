import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const M365Tenant = defineEntity({
  name: 'Microsoft 365 tenant', plural: 'Microsoft 365 tenants', table: 'm365_tenants', path: 'm365-tenants',
  fields: {
    client_id: f.ref('clients', { onDelete: 'cascade' }),
    tenant_guid: f.guid().describe('The Entra tenant id (a GUID); unique'),
    tenant_name: f.text({ max: 200, min: 1 }),
    default_domain: f.text({ max: 255, pattern: /^[a-z0-9.-]+\.[a-z]{2,}$/i }).optional(),
    admin_email: f.email().optional(),
    license_summary: f.json(z.record(z.string().max(100), z.number().int().min(0))).optional().describe('License SKU -> count'),
    notes: f.longText(20_000).optional(),
  },
  list: { filter: ['client_id', 'tenant_guid'], search: ['tenant_name', 'default_domain'], sort: ['tenant_name', 'created_at'], defaultSort: 'tenant_name' },
  clientScope: 'client_id',
  unique: [['tenant_guid']],
});
