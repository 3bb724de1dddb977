import { afterAll, beforeAll, expect, it } from 'vitest';
import { countTokens } from '../../src/memory/tokens.js';
import { describeEachDialect } from '../support/dialects.js';
import { mspBuild, seedParents, type Parents } from '../support/msp.js';
import { callerContext, connectClient, idsIn, type McpTestClient } from './support.js';

describeEachDialect('MCP client and infrastructure tools', (t) => {
  let a: Parents, b: Parents, codeA: string, codeB: string, hostA: string, hostB: string;
  let admin: McpTestClient, tech: McpTestClient;
  const system = { actor: null };

  beforeAll(async () => {
    a = await seedParents(t());
    b = await seedParents(t());
    codeA = String((await t().services.clients.get(system, a.client_id)).short_code);
    codeB = String((await t().services.clients.get(system, b.client_id)).short_code);
    hostA = String((await t().services.infrastructure.get(system, a.infrastructure_id)).hostname);
    hostB = String((await t().services.infrastructure.get(system, b.infrastructure_id)).hostname);
    await t().services.networks.create(system, mspBuild.network(a, { name: 'Office LAN', cidr: '10.20.0.0/24', vlan_id: 20, gateway_ip: '10.20.0.1' }));
    admin = await connectClient(t(), await callerContext(t(), 'admin'));
    tech = await connectClient(t(), await callerContext(t(), 'technician', { client_scope: [a.client_id] }));
  });
  afterAll(async () => {
    for (const c of [admin, tech]) {
      expect(c.failures).toEqual([]);
      await c.close();
    }
  });

  it("shows one client's sites, infrastructure, services and networks, by short code", async () => {
    const site = await t().services.sites.get(system, a.site_id);
    const service = await t().services.services.get(system, a.service_id);
    const overview = await tech.ok('client_overview', { client: codeA });
    const lines = overview.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^# .* \\(${codeA}\\) · active · ${a.client_id}$`));
    expect(lines[1]).toMatch(/default rate 120\/h$/);
    expect(overview).toContain(`## Sites (1)\n- ${site.name} · Berlin, DE · Europe/Berlin · VPN 10.8.0.0/24 · ${a.site_id}`);
    expect(overview).toContain(`## Infrastructure (1)\n- ${hostA} · virtual_machine · 10.0.0.20 · Debian · active · ${a.infrastructure_id}`);
    expect(overview).toContain(`## Services (1)\n- ${service.name} (web) · on ${hostA} · 443/https · running · https://app.client.test/ · ${a.service_id}`);
    expect(overview).toContain('## Networks (1)\n- Office LAN · vlan · 10.20.0.0/24 · VLAN 20 · gw 10.20.0.1 · ');
    expect(overview).not.toContain(hostB);
    expect(await tech.ok('client_overview', { client: a.client_id })).toBe(overview);
  });

  it('says how many a section holds when it shows fewer, and (none) for an empty one', async () => {
    const client = await t().services.clients.create(system, mspBuild.client());
    for (let i = 0; i < 3; i++) await t().services.infrastructure.create(system, mspBuild.infrastructure({ client_id: client.id } as Parents, { site_id: null, hostname: `node-${i}-${client.id.slice(-4)}` }));
    const overview = await admin.ok('client_overview', { client: client.id, limit: 2 });
    expect(overview).toMatch(/## Infrastructure \(2 of 3\)\n- node-0-.*\n- node-1-.*\n## Services \(0\)\n\(none\)/);
    expect(overview).toContain('## Sites (0)\n(none)');
  });

  it("keeps another client's overview and hosts invisible to a scoped technician", async () => {
    expect(await tech.call('client_overview', { client: codeB })).toEqual({ isError: true, text: `client ${codeB} was not found [not_found]` });
    expect(await tech.call('client_overview', { client: b.client_id })).toEqual({ isError: true, text: `client ${b.client_id} was not found [not_found]` });
    expect(await tech.ok('search_infrastructure', { limit: 100 })).not.toContain(hostB);
    expect(await tech.ok('search_infrastructure', { q: hostB })).toBe('No infrastructure matches.');
    expect(await tech.ok('list_clients', { limit: 100 })).not.toContain(codeB);
  });

  it('finds hosts across clients by text and filters, with their client code', async () => {
    const found = await admin.ok('search_infrastructure', { q: hostB.toUpperCase() });
    expect(found).toBe(`Infrastructure (hostname · type · ip · os · role · status · id · client):\n- ${hostB} · virtual_machine · 10.0.0.20 · Debian · active · ${b.infrastructure_id} · client ${codeB}\nShowing 1-1 of 1.`);
    expect(idsIn(await admin.ok('search_infrastructure', { client: codeA, asset_type: 'virtual_machine' }))).toContain(a.infrastructure_id);
    expect(await admin.ok('search_infrastructure', { client: codeA, asset_type: 'printer' })).toBe('No infrastructure matches.');
    expect(await admin.ok('list_clients', { q: codeB })).toMatch(new RegExp(`^Clients \\(code · name · status · id\\):\n- ${codeB} · .* · active · ${b.client_id}\nShowing 1-1 of 1\\.$`));
  });

  it('refuses bad arguments with a message naming the field', async () => {
    for (const [tool, args, field] of [
      ['client_overview', {}, 'client'], ['client_overview', { client: codeA, limit: 0 }, 'limit'],
      ['search_infrastructure', { asset_type: 'spaceship' }, 'asset_type'], ['list_clients', { offset: -1 }, 'offset'],
    ] as const) {
      const answer = await tech.call(tool, args);
      expect(answer.isError, tool).toBe(true);
      expect(answer.text, tool).toMatch(new RegExp(`Invalid arguments for tool ${tool}.*${field}`, 's'));
    }
    expect(await tech.call('client_overview', { client: 'NOSUCHCODE' })).toEqual({ isError: true, text: 'client NOSUCHCODE was not found [not_found]' });
  });

  it('keeps a long list under 10,000 tokens, paging the rest', async () => {
    const client = await t().services.clients.create(system, mspBuild.client());
    const role = 'Runs the nightly ETL batch that loads the warehouse, the reporting cubes and the finance exports for every branch office';
    for (let i = 0; i < 100; i++) {
      await t().services.infrastructure.create(system, mspBuild.infrastructure({ client_id: client.id } as Parents, { site_id: null, hostname: `etl-${String(i).padStart(3, '0')}-${'x'.repeat(200)}`, role }));
    }
    const first = await admin.ok('search_infrastructure', { client: client.id, limit: 100 });
    expect(countTokens(first)).toBeLessThan(10_000);
    const shown = idsIn(first).length;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(100);
    expect(first).toMatch(new RegExp(`Showing 1-${shown} of 100; for more, call again with offset=${shown}\\.$`));
    const next = await admin.ok('search_infrastructure', { client: client.id, limit: 100, offset: shown });
    expect(idsIn(next).some((id) => idsIn(first).includes(id))).toBe(false);
    expect(countTokens(await admin.ok('client_overview', { client: client.id, limit: 40 }))).toBeLessThan(10_000);
  });
});
