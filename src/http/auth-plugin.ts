import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../modules/auth/service.js';

/**
 * Every route is authenticated unless its definition says `public`; routes we did not write
 * (the docs UI's assets) are marked public by path. Unknown routes need auth too: deny by default.
 */
const PUBLIC_PREFIXES = ['/api/docs', '/api/redoc'];

export function registerAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('ctx', null as never);
  app.addHook('onRoute', (opts) => {
    if (PUBLIC_PREFIXES.some((p) => opts.url.startsWith(p))) opts.config = { ...(opts.config as object), public: true };
  });
  app.addHook('onRequest', async (req) => {
    req.ctx = { actor: null, ip: req.ip, request_id: String(req.id), user_agent: req.headers['user-agent']?.slice(0, 255) };
    if (req.routeOptions.config?.public) return;
    req.ctx.actor = await auth.authenticate(req.headers.authorization);
  });
}
