import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const Service = defineEntity({
  name: 'service', plural: 'services', table: 'services',
  fields: {
    infrastructure_id: f.ref('infrastructure', { onDelete: 'cascade' }).describe('The host the service runs on'),
    name: f.text({ max: 200, min: 1 }),
    service_type: f.enum(['web', 'database', 'mail', 'dns', 'file', 'backup', 'monitoring', 'other']).default('other'),
    version: f.text({ max: 50 }).optional(),
    port: f.port().optional(),
    protocol: f.text({ max: 20 }).optional(),
    internal_url: f.url().optional(),
    external_url: f.url().optional(),
    status: f.enum(['running', 'stopped', 'degraded', 'unknown']).default('unknown'),
    notes: f.longText(20_000).optional(),
  },
  list: { filter: ['infrastructure_id', 'service_type', 'status', 'port'], search: ['name', 'version'], sort: ['name', 'service_type', 'status', 'created_at'], defaultSort: 'name' },
  clientScope: { via: 'infrastructure_id' },
});

export const ServiceRelationship = defineEntity({
  name: 'service relationship', plural: 'service relationships', table: 'service_relationships',
  fields: {
    from_service_id: f.ref('services', { onDelete: 'cascade' }),
    to_service_id: f.ref('services', { onDelete: 'cascade' }),
    relationship_type: f.enum(['depends_on', 'hosts', 'proxies', 'replicates', 'authenticates']),
    notes: f.text({ max: 1000 }).optional(),
  },
  list: { filter: ['from_service_id', 'to_service_id', 'relationship_type'], sort: ['relationship_type', 'created_at'] },
  clientScope: { via: 'from_service_id' },
  unique: [['from_service_id', 'to_service_id', 'relationship_type']],
});
