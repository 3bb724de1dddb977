import type { Kysely } from 'kysely';

/**
 * `claudetools vault status`: the master key's fingerprint, every data key version with how many
 * credentials and earlier versions it protects, and the latest rotation.
 */
export async function vaultStatus(db: Kysely<any>) {
  const master = await db.selectFrom('vault_master').selectAll().where('id', '=', 'master').executeTakeFirst();
  const keys = await db.selectFrom('vault_data_keys').select(['id', 'scope', 'version', 'status', 'created_at', 'retired_at']).orderBy('scope').orderBy('version').execute();
  const count = async (table: string) => new Map((await db.selectFrom(table).select(['kid', (eb) => eb.fn.countAll().as('n')]).groupBy('kid').execute())
    .map((r) => [String(r.kid), Number(r.n)]));
  const [credentials, versions] = [await count('credentials'), await count('credential_versions')];
  const clients = new Map((await db.selectFrom('clients').select(['id', 'short_code']).where('id', 'in', [...keys.map((k) => k.scope), '-']).execute())
    .map((c) => [c.id, c.short_code]));
  const rotation = await db.selectFrom('vault_rotations').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  return {
    master: master ? { fingerprint: String(master.key_check).slice(0, 16), created_at: master.created_at, rotated_at: master.rotated_at } : null,
    keys: keys.map((k) => ({
      kid: k.id, scope: k.scope, client: clients.get(k.scope) ?? null, version: Number(k.version), status: k.status,
      credentials: credentials.get(k.id) ?? 0, versions: versions.get(k.id) ?? 0, created_at: k.created_at, retired_at: k.retired_at,
    })),
    rotation: rotation ? { id: rotation.id, status: rotation.status, done: Number(rotation.done), total: Number(rotation.total), started_at: rotation.started_at, finished_at: rotation.finished_at } : null,
  };
}
