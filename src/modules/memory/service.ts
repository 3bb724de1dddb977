import type { RequestContext } from '../../core/context.js';
import { assertAccess } from '../../entities/policy.js';
import { AppError } from '../../core/errors.js';
import { ingest, type IngestDeps } from './ingest.js';
import { recall } from './recall.js';
import { IngestBody, RecallBody, type IngestOutput, type RecallOutput } from './schemas.js';
import { resolveScope } from './scope.js';

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string; code: string }[] } } }, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw AppError.validation(result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code })));
  return result.data;
}

/** Ingest and recall: the contract the hooks, the MCP server, the CLI and the benchmarks all use. */
export function createMemoryService(deps: IngestDeps) {
  return {
    async ingest(ctx: RequestContext, input: unknown): Promise<IngestOutput> {
      assertAccess(ctx, 'technician', true);
      const body = parse(IngestBody, input);
      return ingest(deps, ctx, body, await resolveScope(deps.db, ctx, body));
    },
    async recall(ctx: RequestContext, input: unknown): Promise<RecallOutput> {
      assertAccess(ctx, 'viewer', false);
      const body = parse(RecallBody, input);
      return recall(deps, ctx, body, await resolveScope(deps.db, ctx, body));
    },
  };
}

export type MemoryService = ReturnType<typeof createMemoryService>;
