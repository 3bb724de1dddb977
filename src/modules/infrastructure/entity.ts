import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const Infrastructure = defineEntity({
  name: 'infrastructure item', plural: 'infrastructure', table: 'infrastructure',
  fields: {
    client_id: f.ref('clients', { onDelete: 'cascade' }),
    site_id: f.ref('sites', { onDelete: 'set null' }).optional(),
    parent_host_id: f.ref('infrastructure', { onDelete: 'set null' }).optional().describe('The host this runs on (VM on host, container in VM); no cycles'),
    asset_type: f.enum(['physical_server', 'virtual_machine', 'container', 'network_device', 'firewall', 'nas', 'workstation', 'laptop', 'printer', 'other']),
    hostname: f.text({ max: 255, min: 1 }),
    ip_address: f.ip().optional(),
    mac_address: f.mac().optional(),
    os: f.text({ max: 100 }).optional(),
    os_version: f.text({ max: 100 }).optional(),
    role: f.text({ max: 200 }).optional(),
    status: f.enum(['active', 'migration_source', 'migration_destination', 'decommissioned']).default('active'),
    manufacturer: f.text({ max: 100 }).optional(),
    model: f.text({ max: 100 }).optional(),
    serial_number: f.text({ max: 100 }).optional(),
    purchase_date: f.date().optional(),
    warranty_expires: f.date().optional(),
    shell_type: f.text({ max: 50 }).optional(),
    package_manager: f.text({ max: 50 }).optional(),
    has_gui: f.bool().default(false),
    limitations: f.json(z.array(z.string().max(500)).max(100)).optional(),
    environmental_notes: f.longText(20_000).optional(),
    notes: f.longText(20_000).optional(),
  },
  list: {
    filter: ['client_id', 'site_id', 'parent_host_id', 'asset_type', 'status', 'ip_address', 'hostname'],
    search: ['hostname', 'role', 'os', 'serial_number'], sort: ['hostname', 'asset_type', 'status', 'warranty_expires', 'created_at'], defaultSort: 'hostname',
  },
  clientScope: 'client_id',
  ordered: [['purchase_date', 'warranty_expires']],
});
