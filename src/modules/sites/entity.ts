import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const Site = defineEntity({
  name: 'site', plural: 'sites', table: 'sites',
  fields: {
    client_id: f.ref('clients', { onDelete: 'cascade' }).describe('Client that owns the site'),
    name: f.text({ max: 200, min: 1 }).describe('Display name'),
    address: f.text({ max: 500 }).optional(),
    city: f.text({ max: 100 }).optional(),
    region: f.text({ max: 100 }).optional(),
    postal_code: f.text({ max: 20 }).optional(),
    country: f.text({ max: 100 }).optional(),
    timezone: f.text({ max: 64 }).optional().describe('IANA time zone, e.g. Europe/Berlin'),
    vpn_required: f.bool().default(false),
    vpn_subnet: f.cidr().optional(),
    gateway_ip: f.ip().optional(),
    dns_servers: f.json(z.array(z.union([z.ipv4(), z.ipv6()])).max(10)).optional(),
    notes: f.longText(20_000).optional(),
  },
  list: { filter: ['client_id', 'city', 'country', 'vpn_required'], search: ['name', 'address', 'city'], sort: ['name', 'city', 'created_at'], defaultSort: 'name' },
  clientScope: 'client_id',
});
