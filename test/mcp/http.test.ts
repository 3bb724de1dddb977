import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { appSettings } from '../../src/runtime.js';
import { mcpAllowedHosts, parseHostPort, refuseHostOrOrigin } from '../../src/mcp/origin.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';
import { describeEachDialect } from '../support/dialects.js';
import { mspBuild } from '../support/msp.js';
import { EXPECTED_TOOLS } from './support.js';

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
    expect(tools.map((x) => x.name).sort()).toEqual(EXPECTED_TOOLS);
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

  it("refuses another local web app's Origin: the port counts, not just the name", async () => {
    const post = (headers: Record<string, string>) => fetch(`${base}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${adminKey}`, ...headers }, body: JSON.stringify(INITIALIZE) });
    const port = Number(new URL(base).port);
    for (const origin of ['http://localhost:5173', `http://127.0.0.1:${port + 1}`, 'http://127.0.0.1', `https://localhost:${port}x`]) {
      const res = await post({ origin });
      expect(res.status, origin).toBe(403);
      expect((await res.json()).code, origin).toBe('forbidden_origin');
    }
    expect((await post({ origin: `http://localhost:${port}` })).status).toBe(200);
    const otherPort = await t().app.inject({ method: 'POST', url: '/mcp', headers: { ...MCP_HEADERS, host: `127.0.0.1:${port + 1}`, authorization: `Bearer ${adminKey}` }, payload: INITIALIZE });
    expect(otherPort.statusCode).toBe(403);
  });

  it('checks Host, Origin and the key before it reads the body', async () => {
    // A broken body: were it parsed first, this would be 400 invalid_json, telling a prober the route is there.
    const noKey = await fetch(`${base}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: '{"jsonrpc": "2.0", oops' });
    expect(noKey.status).toBe(401);
    expect((await noKey.json()).code).toBe('unauthorized');
    const foreign = await fetch(`${base}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, origin: 'https://evil.example' }, body: '{"jsonrpc": "2.0", oops' });
    expect(foreign.status).toBe(403);
    const keyed = await fetch(`${base}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${adminKey}` }, body: '{"jsonrpc": "2.0", oops' });
    expect(keyed.status).toBe(400);
  });

  it('refuses a JSON-RPC batch with a JSON-RPC error, running none of it', async () => {
    const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'remember', arguments: { text: `batched memory ${id}` } } });
    const res = await fetch(`${base}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${adminKey}`, 'mcp-protocol-version': '2025-06-18' }, body: JSON.stringify([call(1), call(2)]) });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/batches are not supported/) } });
    const recent = await t().services.context.contextSnippets.list({ actor: null }, { q: 'batched memory', limit: 10, offset: 0 });
    expect(recent.total).toBe(0);
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

const LOCAL = [{ hostname: 'localhost', port: 'own' }, { hostname: '127.0.0.1', port: 'own' }, { hostname: '[::1]', port: 'own' }];

describe('the hosts /mcp answers to', () => {
  it('are the local names and the listening host (unless a wildcard) on the own port, and the configured extras', () => {
    expect(mcpAllowedHosts('0.0.0.0')).toEqual(LOCAL);
    expect(mcpAllowedHosts('ct.lan', ['CT.Example.com', '::1', '10.0.0.5', 'ct.example.com:443', '[fe80::1]:8443'])).toEqual([...LOCAL,
      { hostname: 'ct.lan', port: 'own' }, { hostname: 'ct.example.com', port: 'own-or-default' }, { hostname: '[::1]', port: 'own-or-default' },
      { hostname: '10.0.0.5', port: 'own-or-default' }, { hostname: 'ct.example.com', port: 443 }, { hostname: '[fe80::1]', port: 8443 }]);
  });

  it('parse host[:port] and nothing else', () => {
    expect(parseHostPort('CT.example.com:8443')).toEqual({ hostname: 'ct.example.com', port: 8443 });
    expect(parseHostPort('[::1]:8000')).toEqual({ hostname: '[::1]', port: 8000 });
    expect(parseHostPort('fe80::1')).toEqual({ hostname: '[fe80::1]' });
    for (const bad of ['https://ct.example.com', 'ct.example.com/mcp', 'user@ct.example.com', '*.example.com', 'ct.example.com:0', 'ct.example.com:99999', 'ct example', '', '[nope]:80']) {
      expect(parseHostPort(bad), bad).toBeNull();
    }
  });

  it('come from HOST and CLAUDETOOLS_MCP_ALLOWED_HOSTS, or a list in config.json', () => {
    const home = mkdtempSync(join(tmpdir(), 'ct-mcp-hosts-'));
    const fromEnv = loadConfig({ CLAUDETOOLS_HOME: home, HOST: '0.0.0.0', CLAUDETOOLS_MCP_ALLOWED_HOSTS: 'ct.lan, ct.example.com:443' });
    expect(appSettings(fromEnv).mcpAllowedHosts).toEqual([...LOCAL, { hostname: 'ct.lan', port: 'own-or-default' }, { hostname: 'ct.example.com', port: 443 }]);
    writeFileSync(join(home, 'config.json'), JSON.stringify({ host: 'ct.lan', mcp_allowed_hosts: ['proxy.example.com'] }));
    expect(appSettings(loadConfig({ CLAUDETOOLS_HOME: home })).mcpAllowedHosts).toEqual([...LOCAL, { hostname: 'ct.lan', port: 'own' }, { hostname: 'proxy.example.com', port: 'own-or-default' }]);
  });

  it('refuse a config entry that is not host[:port] when the config loads, naming it', () => {
    const home = mkdtempSync(join(tmpdir(), 'ct-mcp-hosts-'));
    expect(() => loadConfig({ CLAUDETOOLS_HOME: home, CLAUDETOOLS_MCP_ALLOWED_HOSTS: 'ct.lan, https://ct.example.com' }))
      .toThrow(/CLAUDETOOLS_MCP_ALLOWED_HOSTS: "https:\/\/ct\.example\.com" is not host\[:port\]/);
    writeFileSync(join(home, 'config.json'), JSON.stringify({ mcp_allowed_hosts: ['ct.example.com/mcp'] }));
    expect(() => loadConfig({ CLAUDETOOLS_HOME: home })).toThrow(/"ct\.example\.com\/mcp" is not host\[:port\]/);
  });

  it('check Host always and Origin when a browser sends one, host and port', () => {
    const allowed = mcpAllowedHosts('ct.lan', ['ct.example.com', 'alt.example.com:8443']);
    expect(refuseHostOrOrigin('ct.lan:8000', undefined, allowed, 8000)).toBeNull();
    expect(refuseHostOrOrigin('[::1]:8000', 'http://localhost:8000', allowed, 8000)).toBeNull();
    expect(refuseHostOrOrigin('[::1]:8000', 'http://localhost:3000', allowed, 8000)).toMatch(/origin http:\/\/localhost:3000/);
    expect(refuseHostOrOrigin('[::1]:8000', 'http://localhost', allowed, 8000)).toMatch(/origin/);
    expect(refuseHostOrOrigin('localhost:9000', undefined, allowed, 8000)).toMatch(/Host localhost:9000/);
    expect(refuseHostOrOrigin('localhost:8000', undefined, allowed, undefined)).toMatch(/Host/);
    // A configured name without a port: behind a proxy (default ports) or straight on the own port.
    expect(refuseHostOrOrigin('ct.example.com', 'https://ct.example.com', allowed, 8000)).toBeNull();
    expect(refuseHostOrOrigin('ct.example.com:8000', 'http://ct.example.com:8000', allowed, 8000)).toBeNull();
    expect(refuseHostOrOrigin('ct.example.com', 'https://ct.example.com:9443', allowed, 8000)).toMatch(/origin/);
    // With a port: exactly that one.
    expect(refuseHostOrOrigin('alt.example.com:8443', 'https://alt.example.com:8443', allowed, 8000)).toBeNull();
    expect(refuseHostOrOrigin('alt.example.com', undefined, allowed, 8000)).toMatch(/Host/);
    expect(refuseHostOrOrigin(undefined, undefined, allowed, 8000)).toMatch(/Host \(none\)/);
    expect(refuseHostOrOrigin('attacker.example', undefined, allowed, 8000)).toMatch(/CLAUDETOOLS_MCP_ALLOWED_HOSTS/);
    expect(refuseHostOrOrigin('ct.lan:8000', 'https://attacker.example', allowed, 8000)).toMatch(/origin https:\/\/attacker.example/);
    expect(refuseHostOrOrigin('ct.lan:8000', 'chrome-extension://abc', allowed, 8000)).toMatch(/origin/);
  });
});

describe('POST /mcp behind a reverse proxy (trust_proxy)', () => {
  let t: TestApp, base: string, key: string;
  beforeAll(async () => {
    t = await createTestApp(DIALECTS[0]!, { settings: { trustProxy: true } });
    base = (await t.app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    const res = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers: t.adminHeaders, payload: { name: 'proxy test' } });
    key = res.json().key;
  });
  afterAll(async () => { await t?.close(); });

  it('checks the raw Host header, not X-Forwarded-Host (which any client can send)', async () => {
    const headers = { ...MCP_HEADERS, authorization: `Bearer ${key}` };
    const spoofed = await t.app.inject({ method: 'POST', url: '/mcp', headers: { ...headers, host: 'evil.example', 'x-forwarded-host': 'localhost' }, payload: INITIALIZE });
    expect(spoofed.statusCode).toBe(403);
    expect(spoofed.json().detail).toMatch(/Host evil\.example/);
    const forwarded = await fetch(`${base}/mcp`, { method: 'POST', headers: { ...headers, 'x-forwarded-host': 'evil.example' }, body: JSON.stringify(INITIALIZE) });
    expect(forwarded.status).toBe(200);
  });
});
