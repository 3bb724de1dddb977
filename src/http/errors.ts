import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../core/errors.js';
import { problem, type Problem } from './problem.js';

/** Fastify's own client-error codes, mapped to our stable codes. */
const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'empty_body'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_request'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_BAD_URL: [400, 'bad_url'],
};

/**
 * The one place errors become responses. AppErrors and client mistakes keep their status and code;
 * anything else is a 500 whose details stay in the log (with the request id), never in the body.
 */
/** Fastify's validation contexts as a person would name them in a sentence. */
const LOCATION_NAMES: Record<string, string> = { body: 'body', querystring: 'query string', params: 'path', headers: 'headers' };

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let body: Problem;
    if (err instanceof AppError) {
      body = problem(err.status, err.code, err.message, err.errors);
      for (const [k, v] of Object.entries(err.headers ?? {})) reply.header(k, v);
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      const location = err.validationContext;
      const name = LOCATION_NAMES[location ?? ''] ?? 'request';
      body = problem(400, 'validation_failed', `The ${name} ${name.endsWith('s') ? 'are' : 'is'} not valid`, err.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, '').replace(/\//g, '.'),
        location,
        message: v.message ?? 'invalid',
        code: String(v.keyword),
      })));
    } else if (err.code && FASTIFY_CODES[err.code]) {
      const [status, code] = FASTIFY_CODES[err.code];
      body = problem(status, code, err.message);
    } else if (err.statusCode === 429) {
      body = problem(429, 'rate_limited', 'Too many requests; try again later');
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      body = problem(err.statusCode, 'bad_request', err.message);
    } else {
      req.log.error({ err }, 'unhandled error');
      body = problem(500, 'internal_error', 'An unexpected error occurred; the request id identifies it in the server log');
    }
    body.request_id = String(req.id);
    reply.status(body.status).type('application/problem+json').send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).type('application/problem+json')
      .send({ ...problem(404, 'route_not_found', `No route ${req.method} ${req.url.split('?')[0]}`), request_id: String(req.id) });
  });
}
