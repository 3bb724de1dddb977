import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const FirewallRule = defineEntity({
  name: 'firewall rule', plural: 'firewall rules', table: 'firewall_rules',
  fields: {
    infrastructure_id: f.ref('infrastructure', { onDelete: 'cascade' }).describe('The firewall or host the rule is on'),
    rule_name: f.text({ max: 200, min: 1 }),
    action: f.enum(['allow', 'deny', 'nat', 'forward']),
    direction: f.enum(['inbound', 'outbound']),
    source_cidr: f.cidr().optional(),
    destination_cidr: f.cidr().optional(),
    ports: f.text({ max: 200, pattern: /^(\d{1,5}(-\d{1,5})?)(,\s*\d{1,5}(-\d{1,5})?)*$|^any$/ }).optional().describe('e.g. "443", "80,443", "1000-2000" or "any"'),
    protocol: f.enum(['tcp', 'udp', 'icmp', 'any']).default('any'),
    rule_order: f.int({ min: 0 }).default(0),
    enabled: f.bool().default(true),
    notes: f.text({ max: 1000 }).optional(),
  },
  list: { filter: ['infrastructure_id', 'action', 'direction', 'protocol', 'enabled'], search: ['rule_name'], sort: ['rule_order', 'rule_name', 'created_at'], defaultSort: 'rule_order' },
  clientScope: { via: 'infrastructure_id' },
});
