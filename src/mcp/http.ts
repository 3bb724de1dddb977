import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.js';
import { AppError } from '../core/errors.js';
import { refuseHostOrOrigin } from './origin.js';
import { buildMcpServer } from './server.js';

/**
 * POST /mcp: MCP over Streamable HTTP, stateless (a new server and transport per request, no session
 * id, plain JSON answers), so any instance behind a load balancer can answer any request.
 * GET and DELETE /mcp are 405: there is no server-initiated stream and no session to end.
 */
export function mcpRoutes(app: FastifyInstance, services: Services, allowedHosts: readonly string[]): void {
  app.route({
    method: 'POST', url: '/mcp', schema: { hide: true },
    // Public to the auth hook only so the Host/Origin check runs first: a web page cannot even probe keys.
    config: { public: true },
    handler: async (req, reply) => {
      const refusal = refuseHostOrOrigin(req.host, req.headers.origin, allowedHosts);
      if (refusal) throw AppError.forbidden(refusal, 'forbidden_origin');
      req.ctx.actor = await services.auth.authenticate(req.headers.authorization);

      const server = buildMcpServer(services, req.ctx, { onError: (err) => req.log.error({ err }, 'MCP call failed') });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      // The transport writes the response itself; Fastify's onSend hooks do not run, so the request id is set here.
      reply.hijack();
      reply.raw.setHeader('x-request-id', String(req.id));
      try {
        await transport.handleRequest(req.raw, reply.raw, req.body);
      } catch (err) {
        req.log.error({ err }, 'MCP transport failed');
        if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null }));
      }
    },
  });
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method, url: '/mcp', schema: { hide: true }, config: { public: true },
      handler: async (_req, reply) => {
        reply.header('allow', 'POST');
        throw new AppError(405, 'method_not_allowed', 'This MCP endpoint is stateless: POST JSON-RPC messages to it (no SSE stream, no sessions)');
      },
    });
  }
}
