import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const Network = defineEntity({
  name: 'network', plural: 'networks', table: 'networks',
  fields: {
    client_id: f.ref('clients', { onDelete: 'cascade' }),
    site_id: f.ref('sites', { onDelete: 'set null' }).optional(),
    name: f.text({ max: 200, min: 1 }),
    network_type: f.enum(['lan', 'vlan', 'vpn', 'dmz', 'wifi', 'isolated']).default('lan'),
    cidr: f.cidr().describe('The network, e.g. 10.0.10.0/24'),
    vlan_id: f.int({ min: 1, max: 4094 }).optional(),
    gateway_ip: f.ip().optional(),
    dhcp_range: f.text({ max: 100 }).optional().describe('e.g. 10.0.10.100-10.0.10.200'),
    dns_servers: f.json(z.array(z.union([z.ipv4(), z.ipv6()])).max(10)).optional(),
    notes: f.longText(20_000).optional(),
  },
  list: { filter: ['client_id', 'site_id', 'network_type', 'vlan_id'], search: ['name', 'cidr'], sort: ['name', 'vlan_id', 'created_at'], defaultSort: 'name' },
  clientScope: 'client_id',
});
