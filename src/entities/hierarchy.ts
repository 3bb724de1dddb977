import type { Kysely } from 'kysely';
import { AppError } from '../core/errors.js';

const MAX_DEPTH = 10_000;

/**
 * Refuses a parent link that would make a row its own ancestor (a task under its own subtask,
 * a host running inside its own VM): walks up from the proposed parent.
 */
export async function assertNotOwnAncestor(db: Kysely<any>, table: string, field: string, id: string | null, parentId: unknown, label: string): Promise<void> {
  if (parentId == null) return;
  let current: unknown = parentId;
  for (let depth = 0; current != null && depth < MAX_DEPTH; depth++) {
    if (current === id) {
      throw AppError.unprocessable(`A ${label} cannot be its own ancestor`, [{ path: field, message: `would make a cycle`, code: 'cycle' }], 'cycle');
    }
    const row = await db.selectFrom(table).select(field).where('id', '=', current).executeTakeFirst();
    current = row?.[field] ?? null;
  }
}
