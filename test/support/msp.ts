import { randomBytes, randomUUID } from 'node:crypto';
import { systemContext } from '../../src/core/context.js';
import type { TestApp } from './app.js';

const rand = () => randomBytes(4).toString('hex');
const ctx = systemContext('test');
let nextSlot = 0;

/** Random valid create bodies for the MSP entities; parents come from `seedParents`. */
export const mspBuild = {
  client: (o: Record<string, unknown> = {}) => ({ name: `Client ${rand()}`, short_code: `C${rand()}`, client_type: 'msp_client', default_hourly_rate: 120, email: `ops-${rand()}@client.test`, ...o }),
  project: (p: Parents, o: Record<string, unknown> = {}) => ({ client_id: p.client_id, name: `Project ${rand()}`, slug: `p-${rand()}`, status: 'active', tech_stack: ['typescript', 'postgres'], started_at: '2026-01-01T00:00:00.000Z', due_at: '2026-06-01T00:00:00.000Z', ...o }),
  session: (p: Parents, o: Record<string, unknown> = {}) => ({ client_id: p.client_id, project_id: p.project_id, mode: 'msp', external_session_id: randomUUID(), title: 'Fix DNS', cwd: '/srv/app', git_branch: 'main', started_at: '2026-03-01T09:00:00.000Z', ...o }),
  work_item: (p: Parents, o: Record<string, unknown> = {}) => ({ client_id: p.client_id, project_id: p.project_id, session_id: p.session_id, category: 'troubleshooting', title: `Work ${rand()}`, priority: 'high', affected_systems: ['dc01'], ...o }),
  task: (p: Parents, o: Record<string, unknown> = {}) => ({ client_id: p.client_id, project_id: p.project_id, title: `Task ${rand()}`, task_type: 'implementation', task_order: 1, ...o }),
  time: (p: Parents, o: Record<string, unknown> = {}) => {
    // Two-hour slots from a per-process counter: one user's entries never overlap by accident.
    const start = Date.UTC(2026, 0, 1) + nextSlot++ * 120 * 60_000;
    return { client_id: p.client_id, project_id: p.project_id, start_time: new Date(start).toISOString(), end_time: new Date(start + 90 * 60_000).toISOString(), category: 'support', description: 'Patched the server', ...o };
  },
  site: (p: Parents, o: Record<string, unknown> = {}) => ({ client_id: p.client_id, name: `Site ${rand()}`, city: 'Berlin', country: 'DE', timezone: 'Europe/Berlin', vpn_required: true, vpn_subnet: '10.8.0.0/24', gateway_ip: '10.0.0.1', dns_servers: ['10.0.0.2', '2001:db8::53'], ...o }),
  infrastructure: (p: Parents, o: Record<string, unknown> = {}) => ({ client_id: p.client_id, site_id: p.site_id, asset_type: 'virtual_machine', hostname: `vm-${rand()}`, ip_address: '10.0.0.20', mac_address: '00:1a:2b:3c:4d:5e', os: 'Debian', purchase_date: '2025-01-01', warranty_expires: '2028-01-01', limitations: ['no docker'], ...o }),
  service: (p: Parents, o: Record<string, unknown> = {}) => ({ infrastructure_id: p.infrastructure_id, name: `svc-${rand()}`, service_type: 'web', port: 443, protocol: 'https', external_url: 'https://app.client.test/', status: 'running', ...o }),
  network: (p: Parents, o: Record<string, unknown> = {}) => ({ client_id: p.client_id, site_id: p.site_id, name: `VLAN ${rand()}`, network_type: 'vlan', cidr: '10.0.10.0/24', vlan_id: 10, gateway_ip: '10.0.10.1', dns_servers: ['10.0.0.2'], ...o }),
  firewall_rule: (p: Parents, o: Record<string, unknown> = {}) => ({ infrastructure_id: p.infrastructure_id, rule_name: `allow-${rand()}`, action: 'allow', direction: 'inbound', source_cidr: '0.0.0.0/0', destination_cidr: '10.0.0.20/32', ports: '80,443', protocol: 'tcp', rule_order: 10, ...o }),
  m365_tenant: (p: Parents, o: Record<string, unknown> = {}) => ({ client_id: p.client_id, tenant_guid: randomUUID(), tenant_name: `Tenant ${rand()}`, default_domain: 'client.onmicrosoft.com', admin_email: 'admin@client.test', license_summary: { O365_BUSINESS_PREMIUM: 25 }, ...o }),
  file_change: (p: Parents, o: Record<string, unknown> = {}) => ({ session_id: p.session_id, project_id: p.project_id, file_path: `src/${rand()}.ts`, change_type: 'modified', tool: 'Edit', lines_added: 10, lines_removed: 2, ...o }),
  command_run: (p: Parents, o: Record<string, unknown> = {}) => ({ session_id: p.session_id, command: `npm test ${rand()}`, cwd: '/srv/app', exit_code: 0, success: true, duration_ms: 1200, ...o }),
  problem_solution: (p: Parents, o: Record<string, unknown> = {}) => ({ client_id: p.client_id, project_id: p.project_id, problem: `DNS fails ${rand()}`, solution: 'Restart the resolver', recurrence_count: 1, ...o }),
  environmental_insight: (p: Parents, o: Record<string, unknown> = {}) => ({ client_id: p.client_id, infrastructure_id: p.infrastructure_id, category: 'command_constraints', title: `No sudo ${rand()}`, description: 'Use doas instead', examples: ['doas systemctl restart nginx'], ...o }),
  failure_pattern: (p: Parents, o: Record<string, unknown> = {}) => ({ client_id: p.client_id, infrastructure_id: p.infrastructure_id, pattern_type: 'permission_denied', signature: `sig-${rand()}`, triggering_command: 'systemctl restart x', occurrence_count: 1, first_seen_at: '2026-01-01T00:00:00.000Z', last_seen_at: '2026-02-01T00:00:00.000Z', ...o }),
  backup_log: (_p: Parents, o: Record<string, unknown> = {}) => ({ backup_type: 'manual', path: `/backups/${rand()}.tar.gz`, size_bytes: 1024, dialect: 'sqlite', started_at: '2026-01-01T00:00:00.000Z', completed_at: '2026-01-01T00:05:00.000Z', status: 'success', ...o }),
};

export interface Parents {
  client_id: string;
  project_id: string;
  session_id: string;
  site_id: string;
  infrastructure_id: string;
  service_id: string;
}

/** A client with one of each parent row, created through the services (so audited like any write). */
export async function seedParents(t: TestApp, clientOverrides: Record<string, unknown> = {}): Promise<Parents> {
  const s = t.services;
  const client = await s.clients.create(ctx, mspBuild.client(clientOverrides));
  const p: Partial<Parents> = { client_id: client.id };
  p.project_id = (await s.projects.create(ctx, mspBuild.project(p as Parents))).id;
  p.session_id = (await s.sessions.create(ctx, mspBuild.session(p as Parents))).id;
  p.site_id = (await s.sites.create(ctx, mspBuild.site(p as Parents))).id;
  p.infrastructure_id = (await s.infrastructure.create(ctx, mspBuild.infrastructure(p as Parents))).id;
  p.service_id = (await s.services.create(ctx, mspBuild.service(p as Parents))).id;
  return p as Parents;
}
