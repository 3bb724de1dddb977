import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { APP_VERSION } from '../version.js';

const require = createRequire(import.meta.url);

const REDOC_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>ClaudeTools API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/api/openapi.json"></redoc><script src="/api/redoc/redoc.standalone.js"></script></body></html>`;

/**
 * OpenAPI 3.1 from the routes' zod schemas at /api/openapi.json, Swagger UI at /api/docs and
 * ReDoc at /api/redoc. Both UIs are served from node_modules: no CDN, works offline.
 */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ClaudeTools API',
        version: APP_VERSION,
        description: 'Memory and work tracking for people who work with AI coding agents. Authenticate with `Authorization: Bearer <access token or ct_ API key>`; errors are application/problem+json with a stable `code`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An access token from POST /api/auth/login, or an API key (ct_...)' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: false });

  const hide = { hide: true } as Record<string, unknown>;
  app.get('/api/openapi.json', { schema: hide, config: { public: true } }, async () => app.swagger());
  // Found now (a missing file fails the start), read when first asked for: 1 MB a server nobody reads the docs of never holds.
  const redocFile = require.resolve('redoc/bundles/redoc.standalone.js');
  let redocJs: Buffer | undefined;
  app.get('/api/redoc', { schema: hide }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(REDOC_PAGE));
  app.get('/api/redoc/redoc.standalone.js', { schema: hide }, async (_req, reply) =>
    reply.type('application/javascript').header('cache-control', 'public, max-age=86400').send(redocJs ??= readFileSync(redocFile)));
}
