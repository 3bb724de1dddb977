import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RequestContext } from '../core/context.js';
import { COMMON_ERRORS, ProblemSchema } from './problem.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  ctx: RequestContext;
  req: FastifyRequest;
  reply: FastifyReply;
}

/**
 * A route as one definition object: method, path, schemas, auth and docs together.
 * Every operation gets its tag, summary, security and the error responses it can give.
 */
export interface RouteDef<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: Method;
  url: string;
  summary: string;
  description?: string;
  tag: string;
  /** Public routes need no Authorization header (health, login, refresh, docs). */
  public?: boolean;
  body?: B;
  query?: Q;
  params?: P;
  /** Success status and its body schema; omit the schema for an empty 204. */
  status?: number;
  response?: z.ZodType;
  /** Per-IP limit for this route: max requests per minute. */
  rateLimitPerMinute?: number;
  /** Documented error statuses, when they differ from the usual set. */
  errors?: readonly number[];
  handler(input: RouteInput<z.infer<B>, z.infer<Q>, z.infer<P>>): Promise<unknown>;
}

export function route<B extends z.ZodType = z.ZodNever, Q extends z.ZodType = z.ZodNever, P extends z.ZodType = z.ZodNever>(
  app: FastifyInstance, def: RouteDef<B, Q, P>,
): void {
  const status = def.status ?? (def.response ? 200 : 204);
  const errors = def.errors ?? (def.public ? COMMON_ERRORS.filter((s) => s !== 401 && s !== 403) : COMMON_ERRORS);
  const response: Record<number, z.ZodType> = Object.fromEntries(errors.map((s) => [s, ProblemSchema]));
  response[500] = ProblemSchema;
  response[status] = def.response ?? z.null().describe('No content');
  app.withTypeProvider<ZodTypeProvider>().route({
    method: def.method,
    url: def.url,
    schema: {
      summary: def.summary,
      ...(def.description ? { description: def.description } : {}),
      tags: [def.tag],
      security: def.public ? [] : [{ bearerAuth: [] }],
      ...(def.body ? { body: def.body } : {}),
      ...(def.query ? { querystring: def.query } : {}),
      ...(def.params ? { params: def.params } : {}),
      response,
    },
    config: {
      public: def.public === true,
      ...(def.rateLimitPerMinute ? { rateLimit: { max: def.rateLimitPerMinute, timeWindow: 60_000 } } : {}),
    },
    handler: async (req, reply) => {
      const result = await def.handler({
        body: req.body as z.infer<B>, query: req.query as z.infer<Q>, params: req.params as z.infer<P>, ctx: req.ctx, req, reply,
      });
      reply.status(status);
      return status === 204 ? reply.send() : result;
    },
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
  }
  interface FastifyContextConfig {
    public?: boolean;
  }
}
