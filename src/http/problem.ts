import { z } from 'zod';

/** application/problem+json (RFC 9457), with our stable `code` and field errors. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('Stable machine-readable error code'),
  detail: z.string().optional(),
  request_id: z.string().optional(),
  errors: z.array(z.object({
    path: z.string().describe('The field path, dot separated'),
    location: z.string().optional().describe('body, querystring or params'),
    message: z.string(),
    code: z.string().optional(),
  })).optional(),
});
z.globalRegistry.add(ProblemSchema, { id: 'Problem' });

export type Problem = z.infer<typeof ProblemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content',
  429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export const problem = (status: number, code: string, detail?: string, errors?: Problem['errors']): Problem => ({
  type: `https://claudetools.dev/problems/${code}`,
  title: TITLES[status] ?? 'Error',
  status,
  code,
  ...(detail ? { detail } : {}),
  ...(errors?.length ? { errors } : {}),
});

/** Error statuses every authenticated operation documents. */
export const COMMON_ERRORS = [400, 401, 403, 404, 409, 413, 422, 429] as const;
