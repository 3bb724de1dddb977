import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Services } from '../app.js';
import type { RequestContext } from '../core/context.js';
import { APP_VERSION } from '../version.js';
import { mcpEnv } from './env.js';
import { registerResources } from './resources.js';
import { registerTool } from './tool.js';
import { clientTools } from './tools/clients.js';
import { credentialTools, revealCredential } from './tools/credentials.js';
import { mayRevealOverMcp } from '../modules/vault/access.js';
import { memoryTools } from './tools/memory.js';
import { projectTools } from './tools/projects.js';
import { workTools } from './tools/work.js';

/** Every tool, in the order tools/list shows them (plus reveal_credential, for keys an admin enabled it for). */
export const MCP_TOOLS = [...memoryTools, ...projectTools, ...workTools, ...clientTools, ...credentialTools];

const INSTRUCTIONS = 'ClaudeTools keeps memory across sessions and MSP work records (clients, projects, tasks, time, infrastructure). '
  + 'Use recall or search_memory before starting on a topic, remember or log_decision for what later sessions need, '
  + 'and get_project_state / update_project_state when resuming or pausing a project. Lists are indexes: fetch details by id.';

export interface McpServerOptions {
  /** Told about unexpected failures (the client only hears that the call failed). */
  onError?: (err: unknown) => void;
}

/**
 * The MCP server for one caller: the same services as the REST routes, every call made as `ctx`
 * (so roles and client scope apply). Built per request by the HTTP endpoint, stateless.
 *
 * Async because the SDK is imported here, on first use, not at server start (memory a server nobody talks MCP
 * to never needs; see http.ts). Everything under src/mcp imports the SDK's values this way, types statically
 * (they cost nothing): the bundle hoists any static import of a package to its top, which would load the SDK at
 * start again (test/mcp/lazy-sdk.test.ts checks the bundle).
 */
export async function buildMcpServer(services: Services, ctx: RequestContext, options: McpServerOptions = {}): Promise<McpServer> {
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const server = new McpServer({ name: 'claudetools', title: 'ClaudeTools', version: APP_VERSION }, { instructions: INSTRUCTIONS });
  const env = mcpEnv(services, ctx, options.onError);
  for (const spec of MCP_TOOLS) registerTool(server, spec, env);
  if (mayRevealOverMcp(ctx)) registerTool(server, revealCredential, env);
  await registerResources(server, env);
  return server;
}
