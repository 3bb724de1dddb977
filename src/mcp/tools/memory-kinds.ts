import { AppError, isAppError } from '../../core/errors.js';
import type { CrudService } from '../../entities/crud-service.js';
import type { MemoryKind } from '../../modules/context/service.js';
import type { McpEnv } from '../env.js';

/** What agents call the three recallable kinds, and the table each lives in. */
export const KIND_NAMES = { context_snippet: 'snippet', decision_log: 'decision', conversation_context: 'summary' } as const satisfies Record<MemoryKind, string>;
export type KindName = (typeof KIND_NAMES)[MemoryKind];
export const KIND_OF_NAME = Object.fromEntries(Object.entries(KIND_NAMES).map(([k, v]) => [v, k])) as Record<KindName, MemoryKind>;

export const serviceOf = (env: McpEnv, kind: MemoryKind): CrudService => env.services.context.byKind[kind];

/**
 * The memory with this id, whichever kind it is: each kind's service is asked in turn, so scoping
 * applies and an out-of-scope memory is as unknown as a missing one. Null when none has it.
 */
export async function findMemory(env: McpEnv, id: string): Promise<{ kind: MemoryKind; row: Record<string, unknown> } | null> {
  for (const kind of Object.keys(KIND_NAMES) as MemoryKind[]) {
    try {
      return { kind, row: await serviceOf(env, kind).get(env.ctx, id) as Record<string, unknown> };
    } catch (err) {
      if (!(isAppError(err) && err.code === 'not_found')) throw err;
    }
  }
  return null;
}

export async function requireMemory(env: McpEnv, id: string) {
  const found = await findMemory(env, id);
  if (!found) throw AppError.notFound('memory', id);
  return found;
}

/** A memory's main text, whatever its kind. */
export const memoryBody = (row: Record<string, unknown>): string =>
  String(row.dense_content ?? row.decision_text ?? row.dense_summary ?? row.title ?? '');
