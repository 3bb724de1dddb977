import { DEFAULT_MIGRATION_TABLE, Migrator, type Kysely } from 'kysely';
import { migrations } from './migrations/index.js';

/**
 * Unordered: work done side by side gets numbers that interleave (one change adds 0029, another 0024),
 * and a database that already has the later one must still take the earlier. Each migration touches
 * its own tables, so the order they arrive in does not matter; each still runs once.
 */
export const migratorFor = (db: Kysely<any>) =>
  new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });

/** Applies every pending migration; throws with the failing migration's name and cause. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await migratorFor(db).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${cause}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export interface MigrationStatus {
  name: string;
  applied_at: string | null;
}

export async function migrationStatus(db: Kysely<any>): Promise<MigrationStatus[]> {
  const list = await migratorFor(db).getMigrations();
  return list.map((m) => ({ name: m.name, applied_at: m.executedAt ? m.executedAt.toISOString() : null }));
}

/** The name of the last applied migration, or null on an empty database (one cheap query: health calls it). */
export async function schemaVersion(db: Kysely<any>): Promise<string | null> {
  try {
    const row = await db.selectFrom(DEFAULT_MIGRATION_TABLE).select((eb) => eb.fn.max('name').as('name')).executeTakeFirst();
    return (row?.name as string | null) ?? null;
  } catch {
    return null; // no migration table yet
  }
}

export const latestSchemaVersion = (): string => Object.keys(migrations).sort().at(-1)!;
