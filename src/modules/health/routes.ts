import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { schemaVersion } from '../../db/migrator.js';
import type { Dialect } from '../../db/url.js';
import { route } from '../../http/route.js';
import { APP_VERSION } from '../../version.js';

const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({ dialect: z.string(), reachable: z.boolean() }),
  schema_version: z.string().nullable(),
  version: z.string(),
});

export function healthRoutes(app: FastifyInstance, { db, dialect }: { db: Kysely<any>; dialect: Dialect }) {
  route(app, {
    method: 'GET', url: '/api/health', tag: 'Health', public: true, summary: 'Server health',
    description: 'Public. The database dialect, the applied schema version and the app version. 503 when the database is unreachable.',
    response: Health, errors: [503],
    handler: async ({ reply }) => {
      try {
        await sql`select 1`.execute(db);
        return { status: 'ok' as const, database: { dialect, reachable: true }, schema_version: await schemaVersion(db), version: APP_VERSION };
      } catch {
        reply.status(503);
        return reply.send({ status: 'degraded', database: { dialect, reachable: false }, schema_version: null, version: APP_VERSION });
      }
    },
  });
}
