import { Migrator } from 'kysely';
import type { Db } from '../db/database.js';
import { schemaVersion } from '../db/migrator.js';
import { migrations } from '../db/migrations/index.js';
import { redactUrl } from '../db/url.js';
import type { Manifest } from './records.js';
import { holdsData } from './target-state.js';

export interface TargetOptions {
  /** Allow replacing a target that holds data (the CLI's --replace). */
  replace?: boolean;
  /** For messages only. */
  targetLabel?: string;
}

/**
 * Brings the target to the archive's schema version or refuses, before any row is touched:
 * an empty target (no schema, or an older one with no data) is migrated up to exactly that version;
 * one at the same version is accepted (replaced only with `replace`); anything else is refused,
 * since rows only fit the schema they were read from. Newer migrations run afterwards, as usual.
 */
export async function prepareTarget(target: Db, manifest: Manifest, opts: TargetOptions): Promise<void> {
  const wanted = manifest.schema_version;
  const label = opts.targetLabel ? redactUrl(opts.targetLabel) : 'the target database';
  if (!(wanted in migrations)) {
    throw new Error(`this backup is at schema ${wanted}, which this version of ClaudeTools does not know: restore it with a newer version`);
  }
  const current = await schemaVersion(target.db);
  const hasData = current !== null && (await holdsData(target.db));
  if (current === wanted) {
    if (hasData && !opts.replace) throw new Error(`${label} already holds data: pass --replace to overwrite it with the backup`);
    return;
  }
  if (hasData || (current !== null && current > wanted)) {
    throw new Error(`${label} is at schema ${current}, the backup at ${wanted}: restore into an empty database (or one at ${wanted})`);
  }
  const migrator = new Migrator({ db: target.db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo(wanted);
  if (error) throw new Error(`could not migrate ${label} to ${wanted}: ${(error as Error).message ?? error}`);
}
