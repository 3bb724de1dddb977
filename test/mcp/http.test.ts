import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { appSettings } from '../../src/runtime.js';
import { MCP_TOOLS } from '../../src/mcp/server.js';
import { mcpAllowedHosts, refuseHostOrOrigin } from '../../src/mcp/origin.js';
import { describeEachDialect } from '../support/dialects.js';
import { mspBuild } from '../support/msp.js';

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describeEachDialect('POST /mcp (Streamable HTTP)', (t) => {
  let base: string;
  let adminKey: string, techKey: string;
  let clientA: Record<string, any>, clientB: Record<string, any>;
  const open: Client[] = [];

  const keyFor = async (headers: Record<string, string>) => {
    const res = await t().app.inject({ method: 'POST', url: '/api/api-keys', headers, payload: { name: 'mcp test' } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().key as string;
  };
  async function connect(key: string) {
    const client = new Client({ name: 'http-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    open.push(client);
    return client;
  }
  const text = (result: Awaited<ReturnType<Client['callTool']>>) => (result.content as { text: string }[]).map((c) => c.text).join('\n');

  beforeAll(async () => {
    const address = await t().app.listen({ host: '127.0.0.1', port: 0 });
    base = address.replace('localhost', '127.0.0.1');
    clientA = await t().services.clients.create({ actor: null }, mspBuild.client());
    clientB = await t().services.clients.create({ actor: null }, mspBuild.client());
    adminKey = await keyFor(t().adminHeaders);
    techKey = await keyFor((await t().makeUser('technician', { client_scope: [clientA.id] })).headers);
  });
  afterAll(async () => { await Promise.all(open.map((c) => c.close())); });

  it('lists every tool with its annotations and answers a call as the key\'s user', async () => {
    const client = await connect(adminKey);
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name)).toEqual(MCP_TOOLS.map((x) => x.name));
    expect(tools.find((x) => x.name === 'forget')!.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
    expect(tools.find((x) => x.name === 'recall')!.annotations).toMatchObject({ readOnlyHint: true });
    expect(text(await client.callTool({ name: 'list_clients', arguments: { q: clientB.short_code } }))).toContain(clientB.id);
  });

  it('refuses a request without a key, or with a wrong one (401)', async () => {
    const none = await fetch(`${base}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: JSON.stringify(INITIALIZE) });
    expect(none.status).toBe(401);
    expect((await none.json()).code).toBe('unauthorized');
    const wrong = await fetch(`${base}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: 'Bearer ct_notarealkey_0000000000000000' }, body: JSON.stringify(INITIALIZE) });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).code).toBe('invalid_api_key');
    await expect(connect('ct_wrong')).rejects.toThrow(/401/);
  });

  it('refuses a foreign Origin or Host (403), even with a valid key, and accepts a local Origin', async () => {
    const post = (headers: Record<string, string>) => fetch(`${base}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${adminKey}`, ...headers }, body: JSON.stringify(INITIALIZE) });
    const foreign = await post({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).code).toBe('forbidden_origin');
    expect((await post({ origin: 'null' })).status).toBe(403);
    const rebound = await t().app.inject({ method: 'POST', url: '/mcp', headers: { ...MCP_HEADERS, host: 'evil.example:8000', authorization: `Bearer ${adminKey}` }, payload: INITIALIZE });
    expect(rebound.statusCode).toBe(403);
    const local = await post({ origin: base });
    expect(local.status).toBe(200);
    expect((await local.json()).result.serverInfo.name).toBe('claudetools');
  });

  it('serves two clients at once, each in its own scope', async () => {
    const [admin, tech] = await Promise.all([connect(adminKey), connect(techKey)]);
    const rounds = await Promise.all(Array.from({ length: 4 }, () => Promise.all([
      admin.callTool({ name: 'list_clients', arguments: {} }),
      tech.callTool({ name: 'list_clients', arguments: {} }),
      tech.callTool({ name: 'client_overview', arguments: { client: clientB.short_code } }),
    ])));
    for (const [adminList, techList, techOverviewB] of rounds) {
      expect(text(adminList)).toContain(clientB.id);
      expect(text(techList)).toContain(clientA.id);
      expect(text(techList)).not.toContain(clientB.id);
      expect(techOverviewB.isError).toBe(true);
      expect(text(techOverviewB)).toMatch(/client .* was not found/);
    }
  });

  it('answers 405 to GET and DELETE: no stream and no session', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${base}/mcp`, { method, headers: { authorization: `Bearer ${adminKey}` } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
  });
});

describe('the hosts /mcp answers to', () => {
  it('are the local names, the listening host unless it is a wildcard, and the configured extras', () => {
    expect(mcpAllowedHosts('0.0.0.0')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(mcpAllowedHosts('ct.lan', ['CT.Example.com', '::1', '10.0.0.5'])).toEqual(['localhost', '127.0.0.1', '[::1]', 'ct.lan', 'ct.example.com', '10.0.0.5']);
  });

  it('come from HOST and CLAUDETOOLS_MCP_ALLOWED_HOSTS, or a list in config.json', () => {
    const home = mkdtempSync(join(tmpdir(), 'ct-mcp-hosts-'));
    const fromEnv = loadConfig({ CLAUDETOOLS_HOME: home, HOST: '0.0.0.0', CLAUDETOOLS_MCP_ALLOWED_HOSTS: 'ct.lan, ct.example.com' });
    expect(appSettings(fromEnv).mcpAllowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]', 'ct.lan', 'ct.example.com']);
    writeFileSync(join(home, 'config.json'), JSON.stringify({ host: 'ct.lan', mcp_allowed_hosts: ['proxy.example.com'] }));
    expect(appSettings(loadConfig({ CLAUDETOOLS_HOME: home })).mcpAllowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]', 'ct.lan', 'proxy.example.com']);
  });

  it('checks Host always and Origin when a browser sends one', () => {
    const allowed = mcpAllowedHosts('ct.lan');
    expect(refuseHostOrOrigin('ct.lan:8000', undefined, allowed)).toBeNull();
    expect(refuseHostOrOrigin('[::1]:8000', 'http://localhost:3000', allowed)).toBeNull();
    expect(refuseHostOrOrigin(undefined, undefined, allowed)).toMatch(/Host \(none\)/);
    expect(refuseHostOrOrigin('attacker.example', undefined, allowed)).toMatch(/CLAUDETOOLS_MCP_ALLOWED_HOSTS/);
    expect(refuseHostOrOrigin('ct.lan', 'https://attacker.example', allowed)).toMatch(/origin https:\/\/attacker.example/);
  });
});
