import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const SecurityIncident = defineEntity({
  name: 'security incident', plural: 'security incidents', table: 'security_incidents',
  fields: {
    client_id: f.ref('clients', { onDelete: 'cascade' }),
    infrastructure_id: f.ref('infrastructure', { onDelete: 'set null' }).optional().describe('The host involved'),
    service_id: f.ref('services', { onDelete: 'set null' }).optional().describe('The service involved'),
    incident_type: f.enum(['phishing', 'bec', 'malware', 'ransomware', 'unauthorized_access', 'brute_force', 'credential_exposure', 'data_breach', 'other']),
    severity: f.enum(['low', 'medium', 'high', 'critical']),
    status: f.enum(['investigating', 'contained', 'resolved', 'monitoring']).default('investigating'),
    detected_at: f.timestamp(),
    description: f.longText(50_000),
    findings: f.longText(50_000).optional(),
    remediation_steps: f.longText(50_000).optional(),
    resolved_at: f.timestamp().optional(),
    credential_ids: f.json(z.array(z.uuid()).max(200)).optional()
      .describe('Credentials involved (exposed, to rotate); each must belong to the same client and be visible to you'),
    notes: f.longText(20_000).optional(),
  },
  list: {
    filter: ['client_id', 'infrastructure_id', 'service_id', 'incident_type', 'severity', 'status'],
    search: ['description', 'findings'], sort: ['detected_at', 'severity', 'status', 'resolved_at', 'created_at'], defaultSort: '-detected_at',
  },
  clientScope: 'client_id',
  ordered: [['detected_at', 'resolved_at']],
});
