import { z } from 'zod';
import type { CrudService } from '../../entities/crud-service.js';
import { Client } from '../../modules/clients/entity.js';
import { Infrastructure } from '../../modules/infrastructure/entity.js';
import type { McpEnv } from '../env.js';
import { ClientHandle } from '../handles.js';
import { clip } from '../../memory/clip.js';
import { capText, renderIndex } from '../output.js';
import { tool } from '../tool.js';
import { listPage, pageInput } from './lists.js';

type Row = Record<string, unknown>;
const parts = (...values: unknown[]) => values.filter((v) => v !== null && v !== undefined && v !== '' && v !== false).map(String).join(' · ');

/** One part of client_overview: up to `limit` lines about one client, and how many there are in all. */
export interface OverviewSection {
  title: string;
  load(env: McpEnv, clientId: string, limit: number): Promise<{ lines: string[]; total: number }>;
}

const hostLine = (h: Row) => `- ${parts(h.hostname, h.asset_type, h.ip_address, [h.os, h.os_version].filter(Boolean).join(' '), h.role && clip(String(h.role), 60), h.status, h.id)}`;

const sites: OverviewSection = {
  title: 'Sites',
  async load(env, clientId, limit) {
    const page = await listPage(env, env.services.sites, { client_id: clientId, limit });
    return { total: page.total, lines: page.items.map((s) => `- ${parts(s.name, [s.city, s.country].filter(Boolean).join(', '), s.timezone, s.vpn_required && `VPN ${s.vpn_subnet ?? 'required'}`, s.id)}`) };
  },
};

const infrastructure: OverviewSection = {
  title: 'Infrastructure',
  async load(env, clientId, limit) {
    const page = await listPage(env, env.services.infrastructure, { client_id: clientId, limit });
    return { total: page.total, lines: page.items.map(hostLine) };
  },
};

/** Rows with these ids, in one query through the service (so its scoping applies), by id. */
export async function byIds(env: McpEnv, service: CrudService, ids: Iterable<unknown>): Promise<Map<string, Row>> {
  const wanted = [...new Set([...ids].filter((id) => id != null).map(String))];
  if (!wanted.length) return new Map();
  const page = await listPage(env, service, { limit: wanted.length }, { ids: wanted });
  return new Map(page.items.map((row) => [String(row.id), row as Row]));
}

/** Services hang off hosts: the client's services in one query (through their hosts), then their hosts' names in one more. */
const services: OverviewSection = {
  title: 'Services',
  async load(env, clientId, limit) {
    const page = await listPage(env, env.services.services, { limit }, { ofClient: clientId });
    const hosts = await byIds(env, env.services.infrastructure, page.items.map((s) => s.infrastructure_id));
    return {
      total: page.total,
      lines: page.items.map((s) => `- ${parts(`${s.name} (${s.service_type})`, `on ${hosts.get(String(s.infrastructure_id))?.hostname ?? s.infrastructure_id}`, s.port && `${s.port}/${s.protocol ?? ''}`, s.status, s.external_url ?? s.internal_url, s.id)}`),
    };
  },
};

const networks: OverviewSection = {
  title: 'Networks',
  async load(env, clientId, limit) {
    const page = await listPage(env, env.services.networks, { client_id: clientId, limit });
    return { total: page.total, lines: page.items.map((n) => `- ${parts(n.name, n.network_type, n.cidr, n.vlan_id && `VLAN ${n.vlan_id}`, n.gateway_ip && `gw ${n.gateway_ip}`, n.id)}`) };
  },
};

/** Security incidents not yet resolved, most severe first. */
const openIncidents: OverviewSection = {
  title: 'Open security incidents',
  async load(env, clientId, limit) {
    const open = ['investigating', 'contained', 'monitoring'];
    const pages = await Promise.all(open.map((status) => listPage(env, env.services.vault.securityIncidents, { client_id: clientId, status, limit })));
    const rank = { critical: 0, high: 1, medium: 2, low: 3 } as Record<string, number>;
    const items = pages.flatMap((p) => p.items).sort((a, b) => rank[String(a.severity)]! - rank[String(b.severity)]! || String(b.detected_at).localeCompare(String(a.detected_at)));
    return {
      total: pages.reduce((n, p) => n + p.total, 0),
      lines: items.slice(0, limit).map((i) => `- ${parts(i.severity, i.incident_type, i.status, `detected ${String(i.detected_at).slice(0, 10)}`, clip(String(i.description), 100), i.id)}`),
    };
  },
};

/** The sections client_overview shows, in order. */
export const CLIENT_OVERVIEW_SECTIONS: OverviewSection[] = [sites, infrastructure, services, networks, openIncidents];

export const clientOverview = tool({
  name: 'client_overview',
  title: 'Client overview',
  description: "One client at a glance: contact and rate, then its sites, infrastructure (hosts, devices), services, networks and open security incidents, one line each with ids. "
    + 'Use it before working on a client\'s systems; search_infrastructure finds a host across clients.',
  input: z.strictObject({
    client: ClientHandle,
    limit: z.int().min(1).max(40).default(15).describe('Most lines per section (at most 40)'),
  }),
  effect: 'read',
  async run({ client, limit }, env) {
    const c = await env.handles.client(client) as Row;
    const head = [`# ${c.name} (${c.short_code}) · ${c.status} · ${c.id}`,
      parts(c.primary_contact, c.email, c.phone, c.default_hourly_rate != null && `default rate ${c.default_hourly_rate}/h`), c.notes ? `Notes: ${clip(String(c.notes), 300)}` : ''].filter(Boolean);
    const sections = [];
    for (const section of CLIENT_OVERVIEW_SECTIONS) {
      const { lines, total } = await section.load(env, String(c.id), limit);
      const shown = total > lines.length ? `${lines.length} of ${total}` : `${total}`;
      sections.push(`## ${section.title} (${shown})\n${lines.length ? lines.join('\n') : '(none)'}`);
    }
    return capText([...head, ...sections].join('\n'));
  },
});

export const searchInfrastructure = tool({
  name: 'search_infrastructure',
  title: 'Search infrastructure (index)',
  description: 'Hosts and devices matching text (hostname, role, OS, serial number) and filters, across the clients you can see, one line each with client code and id. Pages with offset.',
  input: Infrastructure.schemas.listQuery.pick({ q: true, asset_type: true, status: true, ip_address: true, hostname: true }).extend({
    client: ClientHandle.optional().describe('Only this client\'s: its short code or id'),
    ...pageInput(30, 100),
  }),
  effect: 'read',
  async run(args, env) {
    const { client, ...query } = args as Row & { client?: string };
    const page = await listPage(env, env.services.infrastructure, { ...query, client_id: await env.handles.clientId(client) });
    const clients = await byIds(env, env.services.clients, page.items.map((h) => h.client_id));
    const lines = page.items.map((h) => `${hostLine(h)} · client ${clients.get(String(h.client_id))?.short_code ?? h.client_id}`);
    return renderIndex('Infrastructure (hostname · type · ip · os · role · status · id · client):', { lines, offset: page.offset, total: page.total }, 'No infrastructure matches.');
  },
});

export const listClients = tool({
  name: 'list_clients',
  title: 'List clients (index)',
  description: 'Clients you can see, one line each with short code, name, status and id; optionally matching text. Pages with offset.',
  input: Client.schemas.listQuery.pick({ q: true, status: true, client_type: true }).extend(pageInput(30, 100)),
  effect: 'read',
  async run(args, env) {
    const page = await listPage(env, env.services.clients, args as Row);
    const lines = page.items.map((c) => `- ${parts(c.short_code, clip(String(c.name), 80), c.status, c.id)}`);
    return renderIndex('Clients (code · name · status · id):', { lines, offset: page.offset, total: page.total }, 'No clients match.');
  },
});

export const clientTools = [clientOverview, searchInfrastructure, listClients];
