import type { RequestContext } from '../../core/context.js';
import { assertAccess } from '../../entities/policy.js';
import { parseInput } from '../../entities/crud-service.js';
import { ingest, type IngestDeps } from './ingest.js';
import { recall } from './recall.js';
import { IngestBody, RecallBody, type IngestInput, type IngestOutput, type RecallInput, type RecallOutput } from './schemas.js';
import { resolveScope } from './scope.js';

/** Ingest and recall: the contract the hooks, the MCP server, the CLI and the benchmarks all use. */
export function createMemoryService(deps: IngestDeps) {
  return {
    async ingest(ctx: RequestContext, input: unknown): Promise<IngestOutput> {
      assertAccess(ctx, 'technician', true);
      const body = parseInput(IngestBody, input as Record<string, unknown>) as IngestInput;
      return ingest(deps, ctx, body, await resolveScope(deps.db, ctx, body));
    },
    async recall(ctx: RequestContext, input: unknown): Promise<RecallOutput> {
      assertAccess(ctx, 'viewer', false);
      const body = parseInput(RecallBody, input as Record<string, unknown>) as RecallInput;
      return recall(deps, ctx, body, await resolveScope(deps.db, ctx, body));
    },
  };
}

export type MemoryService = ReturnType<typeof createMemoryService>;
