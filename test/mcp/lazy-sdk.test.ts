import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServerBundle } from '../../src/cli/server-bundle.js';
import { startServer, tempHome } from '../e2e/helpers.js';

const ADMIN = { email: 'ops@example.test', password: 'an admin password here' };
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('the MCP SDK, loaded on the first MCP request', () => {
  it('is not imported by the server bundle at start (no static import; only import() inside the handlers)', async () => {
    const bundle = readFileSync(await ensureServerBundle(), 'utf8');
    expect(bundle).not.toMatch(/^import\b[^;]*["']@modelcontextprotocol\//m);
    expect(bundle).toContain('import("@modelcontextprotocol/sdk/server/streamableHttp.js")');
  });

  describe('in the server process', () => {
    let server: Awaited<ReturnType<typeof startServer>>;
    let key: string;
    const post = (body: unknown) => fetch(`${server.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

    beforeAll(async () => {
      server = await startServer({ CLAUDETOOLS_HOME: tempHome(), CLAUDETOOLS_ADMIN_EMAIL: ADMIN.email, CLAUDETOOLS_ADMIN_PASSWORD: ADMIN.password });
      const json = { 'content-type': 'application/json' };
      const login = await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify(ADMIN) })).json();
      const created = await fetch(`${server.url}/api/api-keys`, { method: 'POST', headers: { ...json, authorization: `Bearer ${login.access_token}` }, body: JSON.stringify({ name: 'lazy mcp' }) });
      key = (await created.json()).key;
    });
    afterAll(async () => { await server?.stop(); });

    it('answers the first requests, several at once, then tool calls and a resource error', async () => {
      // Concurrent first requests all wait for the same import.
      const answers = await Promise.all([1, 2, 3].map((id) => post({ jsonrpc: '2.0', id, method: 'tools/list', params: {} })));
      for (const res of answers) {
        expect(res.status).toBe(200);
        expect((await res.json()).result.tools.map((t: { name: string }) => t.name)).toContain('recall');
      }
      const call = await (await post({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'list_projects', arguments: {} } })).json();
      expect(call.result.isError).toBeFalsy();
      // The SDK's McpError is imported where a resource read fails: still a JSON-RPC error naming the cause.
      const missing = await (await post({ jsonrpc: '2.0', id: 5, method: 'resources/read', params: { uri: 'claudetools://projects/no-such-project/state' } })).json();
      expect(missing.error.message).toContain('no-such-project');
    });
  });
});
