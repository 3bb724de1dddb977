import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_TOOLS } from '../../src/mcp/server.js';
import { BIN, ROOT, childEnv, cli, startServer, tempHome } from '../e2e/helpers.js';

/** `claudetools mcp` as an agent starts it: a child process speaking MCP on stdio, configured by `claudetools login`. */
async function spawnMcp(env: Record<string, string>) {
  const client = new Client({ name: 'stdio-e2e', version: '1.0.0' });
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: ROOT, env: childEnv(env) as Record<string, string>, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d) => { stderr += d; });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}
const text = (result: Awaited<ReturnType<Client['callTool']>>) => (result.content as { text: string }[]).map((c) => c.text).join('\n');

describe('claudetools mcp (stdio, bridged to the server)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const home = tempHome();
  const clients: Client[] = [];

  beforeAll(async () => {
    server = await startServer({ CLAUDETOOLS_HOME: tempHome(), CLAUDETOOLS_ADMIN_EMAIL: 'ops@example.test', CLAUDETOOLS_ADMIN_PASSWORD: 'an admin password here' });
    const login = cli(['login', '--server', server.url, '--email', 'ops@example.test', '--password-stdin'], { CLAUDETOOLS_HOME: home }, 'an admin password here\n');
    expect(login.code, login.stderr).toBe(0);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  it('initializes, lists the tools, remembers and recalls', async () => {
    const { client } = await spawnMcp({ CLAUDETOOLS_HOME: home });
    clients.push(client);
    expect(client.getServerVersion()?.name).toBe('claudetools');
    expect(client.getInstructions()).toMatch(/recall/);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(MCP_TOOLS.map((t) => t.name));

    const stored = await client.callTool({ name: 'remember', arguments: { text: 'The Contoso VPN concentrator reboots every Sunday at 03:00 for patching.', tags: ['vpn'] } });
    expect(stored.isError).toBeFalsy();
    const id = /snippet ([0-9a-f-]{36})/.exec(text(stored))?.[1];
    expect(id).toBeTruthy();
    const recalled = await client.callTool({ name: 'recall', arguments: { query: 'when does the VPN concentrator reboot?' } });
    expect(recalled.isError).toBeFalsy();
    expect(text(recalled)).toContain('reboots every Sunday at 03:00');
    expect(text(recalled)).toContain(id);

    const bad = await client.callTool({ name: 'get_memory', arguments: { ids: ['not-an-id'] } });
    expect(bad.isError).toBe(true);
  });

  it('answers a request sent just before stdin closes, then exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp'], { cwd: ROOT, env: childEnv({ CLAUDETOOLS_HOME: home }) });
    let stdout = '';
    child.stdout.on('data', (d) => { stdout += d; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin.end(`${JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' })}\n`);
    expect(await exited).toBe(0);
    const answer = JSON.parse(stdout.trim());
    expect(answer.id).toBe(7);
    expect(answer.result.tools.map((t: { name: string }) => t.name)).toContain('recall');
  });

  it('answers with the cause when the server refuses the key', async () => {
    const { client, stderr } = await spawnMcp({ CLAUDETOOLS_HOME: home, CLAUDETOOLS_API_KEY: 'ct_revoked_or_wrong_0000000000' }).catch((e) => ({ client: null, stderr: () => String(e) }));
    expect(client).toBeNull();
    expect(stderr()).toMatch(/refused the API key \(401/);
  });
});
