import { beforeAll, expect, it } from 'vitest';
import { systemContext } from '../../src/core/context.js';
import { describeEachDialect } from '../support/dialects.js';
import { mspBuild } from '../support/msp.js';
import { callerContext, connectClient, idsIn, type McpTestClient } from './support.js';

/** Credentials over MCP are metadata only, scoped like the REST API; incidents show in the client overview. */
describeEachDialect('MCP vault tools', (t) => {
  let tech: McpTestClient;
  let acme: { id: string; short_code: string };
  let credentialId: string;
  let otherCredentialId: string;

  beforeAll(async () => {
    const ctx = systemContext();
    acme = await t().services.clients.create(ctx, mspBuild.client({ short_code: `AC${Date.now() % 100000}` })) as any;
    const other = await t().services.clients.create(ctx, mspBuild.client()) as any;
    const { vault } = t().services;
    credentialId = String((await vault.credentials.create(ctx, { client_id: acme.id, service_name: 'Acme firewall admin', credential_type: 'password', username: 'fwadmin', password: 'Planted-Mcp-Secret-1', expires_at: '2027-01-01T00:00:00.000Z' })).id);
    otherCredentialId = String((await vault.credentials.create(ctx, { client_id: other.id, service_name: 'Other firewall admin', credential_type: 'password', username: 'root', password: 'Planted-Mcp-Secret-2' })).id);
    await vault.securityIncidents.create(ctx, { client_id: acme.id, incident_type: 'phishing', severity: 'high', detected_at: '2026-03-02T10:00:00.000Z', description: 'Invoice phishing mail to accounting' });
    await vault.securityIncidents.create(ctx, { client_id: acme.id, incident_type: 'malware', severity: 'low', status: 'resolved', detected_at: '2026-02-02T10:00:00.000Z', resolved_at: '2026-02-03T10:00:00.000Z', description: 'Adware on a kiosk' });
    tech = await connectClient(t(), await callerContext(t(), 'technician', { client_scope: [acme.id] }));
  });

  it('finds credentials by text as metadata only, never a secret, and only in scope', async () => {
    const text = await tech.ok('find_credential', { q: 'firewall' });
    expect(idsIn(text)).toEqual([credentialId]);
    expect(text).toContain('Acme firewall admin · password · user fwadmin · password · expires 2027-01-01');
    expect(text).not.toContain('Planted-Mcp-Secret');
    expect(idsIn(await tech.ok('find_credential', { client: acme.short_code.toLowerCase() }))).toEqual([credentialId]);
    expect(await tech.ok('find_credential', { q: 'Other firewall' })).toBe('No credentials match.');
    expect((await tech.call('find_credential', { expires_before: 'soon' })).isError).toBe(true);
    expect(otherCredentialId).not.toBe(credentialId);
  });

  it('offers reveal_credential only to a key an admin enabled it for; it needs a reason and is audited', async () => {
    const keyContext = async (scopes: string[] | null, headers = t().adminHeaders) => {
      const res = await t().app.inject({ method: 'POST', url: '/api/api-keys', headers, payload: { name: `mcp-${scopes?.join('-') ?? 'full'}`, scopes } });
      expect(res.statusCode, res.body).toBe(201);
      return { id: res.json().id as string, ctx: { actor: await t().services.auth.authenticate(`Bearer ${res.json().key}`), request_id: 'mcp-test' } };
    };
    const toolNames = async (c: McpTestClient) => (await c.client.listTools()).tools.map((x) => x.name);
    // Off by default: a full-rights key, and a key that may reveal over REST, get no reveal tool.
    for (const scopes of [null, ['read', 'reveal']]) {
      const plain = await connectClient(t(), (await keyContext(scopes)).ctx);
      expect(await toolNames(plain)).not.toContain('reveal_credential');
      expect((await plain.call('reveal_credential', { id: credentialId, reason: 'ticket 42' })).isError).toBe(true);
    }
    // Only an admin enables it.
    const technician = await t().makeUser('technician');
    const refused = await t().app.inject({ method: 'POST', url: '/api/api-keys', headers: technician.headers, payload: { name: 'mine', scopes: ['read', 'mcp_reveal'] } });
    expect(refused.statusCode).toBe(403);

    const enabled = await keyContext(['read', 'mcp_reveal']);
    const agent = await connectClient(t(), enabled.ctx);
    const tools = (await agent.client.listTools()).tools;
    expect(tools.find((x) => x.name === 'reveal_credential')?.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
    expect((await agent.call('reveal_credential', { id: credentialId })).isError).toBe(true);
    const answer = await agent.ok('reveal_credential', { id: credentialId, reason: 'INC-77: firewall login' });
    expect(answer).toContain('password: Planted-Mcp-Secret-1');
    const audit = await t().db.selectFrom('credential_audit_logs').selectAll().where('credential_id', '=', credentialId).where('action', '=', 'reveal').execute() as any[];
    expect(audit.map((r) => [r.actor_id, r.reason])).toEqual([[enabled.id, 'INC-77: firewall login']]);
    expect(JSON.stringify(audit)).not.toContain('Planted-Mcp-Secret');
  });

  it('shows open incidents, not resolved ones, in the client overview', async () => {
    const text = await tech.ok('client_overview', { client: acme.short_code });
    expect(text).toMatch(/## Open security incidents \(1\)\n- high · phishing · investigating · detected 2026-03-02 · Invoice phishing mail to accounting · [0-9a-f-]{36}/);
    expect(text).not.toContain('Adware');
  });
});
