import type { FastifyInstance } from 'fastify';
import { route } from '../../http/route.js';
import { PushBody, VersionList, VersionMeta, VersionWithFiles } from './schemas.js';
import type { ConfigSyncService } from './service.js';

const tag = 'Configuration sync';

/** Each user's own configuration versions: `claudetools sync push|pull`. */
export function configSyncRoutes(app: FastifyInstance, sync: ConfigSyncService) {
  route(app, {
    method: 'POST', url: '/api/config-sync/versions', tag, status: 201, body: PushBody, response: VersionMeta,
    summary: 'Push this machine\'s configuration as a new version (409 when another machine pushed since its base version)',
    handler: ({ ctx, body }) => sync.push(ctx, body),
  });
  route(app, {
    method: 'GET', url: '/api/config-sync/versions/latest', tag, response: VersionWithFiles,
    summary: 'The newest configuration version with its files',
    handler: ({ ctx }) => sync.latest(ctx),
  });
  route(app, {
    method: 'GET', url: '/api/config-sync/versions', tag, response: VersionList,
    summary: 'The configuration versions, newest first',
    handler: ({ ctx }) => sync.list(ctx),
  });
}
