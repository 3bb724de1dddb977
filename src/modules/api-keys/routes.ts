import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../http/route.js';
import { API_KEY_SCOPES, ApiKey } from './entity.js';
import type { ApiKeyService } from './service.js';

const CreateApiKey = z.strictObject({
  name: z.string().trim().min(1).max(200).describe('What the key is for, e.g. "laptop hooks"'),
  machine_id: z.uuid().nullable().optional().describe('The machine this key belongs to'),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).nullable().optional().describe('["read"] for a read-only key, ["read","reveal"] for one that may also reveal credentials and TOTP codes; omit for the user\'s full rights (which include reveal); an admin may add "mcp_reveal" to offer the reveal tool over MCP'),
  expires_at: z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString()).nullable().optional(),
  user_id: z.uuid().optional().describe('Admins only: create the key for this user'),
});
const CreatedApiKey = ApiKey.schemas.row.extend({ key: z.string().describe('The full key, ct_<id>_<secret>. Shown once: store it now') });

export function apiKeyRoutes(app: FastifyInstance, keys: ApiKeyService) {
  const tag = 'API keys';
  route(app, { method: 'POST', url: '/api/api-keys', tag, summary: 'Create an API key (shown once)', body: CreateApiKey, status: 201, response: CreatedApiKey,
    handler: ({ ctx, body }) => keys.create(ctx, body) });
  route(app, { method: 'GET', url: '/api/api-keys', tag, summary: 'List API keys (your own; admins see all)', query: ApiKey.schemas.listQuery, response: ApiKey.schemas.page,
    handler: ({ ctx, query }) => keys.list(ctx, query) });
  route(app, { method: 'GET', url: '/api/api-keys/:id', tag, summary: 'Get an API key', params: ApiKey.schemas.idParams, response: ApiKey.schemas.row,
    handler: ({ ctx, params }) => keys.get(ctx, params.id) });
  route(app, { method: 'DELETE', url: '/api/api-keys/:id', tag, summary: 'Revoke an API key', params: ApiKey.schemas.idParams,
    handler: ({ ctx, params }) => keys.revoke(ctx, params.id) });
}
