import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../app.js';
import { AppError } from '../core/errors.js';
import { refuseHostOrOrigin, type AllowedHost } from './origin.js';

/**
 * The MCP server and the SDK's transport, imported on the first MCP request rather than at server start:
 * with the tools' schemas, ~5 MB of heap that a server nobody talks MCP to never holds. The first request
 * waits for them, once (~0.2 s more than before). esbuild keeps a dynamic import of our own module lazy in
 * the bundle, but would hoist a static import of a package to its top: see buildMcpServer.
 */
const loadMcp = async () => {
  const [{ buildMcpServer }, { StreamableHTTPServerTransport }] = await Promise.all([
    import('./server.js'), import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
  ]);
  return { buildMcpServer, StreamableHTTPServerTransport };
};

/** JSON-RPC "Invalid Request": what a batch (an array body) gets. */
const INVALID_REQUEST = -32600;

/**
 * POST /mcp: MCP over Streamable HTTP, stateless (a new server and transport per request, no session
 * id, plain JSON answers), so any instance behind a load balancer can answer any request.
 * GET and DELETE /mcp are 405: there is no server-initiated stream and no session to end.
 *
 * Order of checks, all before the body is read: Host and Origin (a web page cannot even probe keys),
 * then the API key (the global auth hook skips this route so that the Host/Origin check comes first).
 * Then the body: one JSON-RPC message; batches (arrays) were removed from MCP in 2025-06-18 and are
 * refused, so one request is one call's worth of work.
 */
export function mcpRoutes(app: FastifyInstance, services: Services, allowedHosts: readonly AllowedHost[]): void {
  const guard = async (req: FastifyRequest) => {
    // The raw Host header: with trust_proxy, req.host would be X-Forwarded-Host, which any client can set.
    const refusal = refuseHostOrOrigin(req.headers.host, req.headers.origin, allowedHosts, req.socket.localPort);
    if (refusal) throw AppError.forbidden(refusal, 'forbidden_origin');
    req.ctx.actor = await services.auth.authenticate(req.headers.authorization);
  };

  app.route({
    method: 'POST', url: '/mcp', schema: { hide: true },
    config: { public: true },
    onRequest: guard,
    handler: async (req, reply) => {
      if (Array.isArray(req.body)) {
        return reply.code(400).send({
          jsonrpc: '2.0', id: null,
          error: { code: INVALID_REQUEST, message: 'JSON-RPC batches are not supported (MCP 2025-06-18 removed them): send one message per request' },
        });
      }
      const { buildMcpServer, StreamableHTTPServerTransport } = await loadMcp();
      const server = await buildMcpServer(services, req.ctx, { onError: (err) => req.log.error({ err }, 'MCP call failed') });
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
