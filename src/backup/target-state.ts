import type { Kysely } from 'kysely';
import { createDb } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';
import { introspect } from './introspect.js';
import { countRows } from './snapshot.js';

let seeded: Promise<Map<string, number>> | null = null;

/**
 * Rows a fresh migration puts in each table (audit_heads' genesis row, and whatever later
 * migrations seed), learned once from a scratch in-memory database rather than listed by hand.
 */
function seededRowCounts(): Promise<Map<string, number>> {
  seeded ??= (async () => {
    const scratch = createDb('sqlite::memory:');
    try {
      await migrateToLatest(scratch.db);
      const counts = new Map<string, number>();
      for (const t of await introspect(scratch.db)) counts.set(t.name, await countRows(scratch.db, t.name));
      return counts;
    } finally {
      await scratch.close();
    }
  })();
  return seeded;
}

/**
 * Whether a database holds anything a user put there: some table with more rows than a fresh
 * migration leaves. Decides whether a restore may overwrite without --replace, and whether the
 * server takes a pre-migration backup.
 */
export async function holdsData(db: Kysely<any>): Promise<boolean> {
  const fresh = await seededRowCounts();
  for (const t of await introspect(db)) {
    if ((await countRows(db, t.name)) > (fresh.get(t.name) ?? 0)) return true;
  }
  return false;
}
