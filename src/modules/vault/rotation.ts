import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { systemContext } from '../../core/context.js';
import { newId } from '../../core/ids.js';
import { dialectOf } from '../../db/dialect.js';
import type { CredentialAudit } from './credential-audit.js';
import { insertDataKey, type Keyring } from './keyring.js';
import { SECRET_FIELDS } from './entity.js';
import { openSecrets, sealSecrets } from './secrets.js';

export interface RotationDeps {
  db: Kysely<any>;
  keyring: Keyring;
  credentialAudit: CredentialAudit;
  clock: Clock;
}

export interface RotationOptions {
  batchSize?: number;
  /** Called after each committed batch with the running count (progress output; tests simulate a crash here). */
  afterBatch?: (done: number, total: number) => void | Promise<void>;
}

export interface RotationResult {
  rotation_id: string;
  resumed: boolean;
  reencrypted: number;
  total: number;
}

const retiringKids = (db: Kysely<any>) => db.selectFrom('vault_data_keys').select('id').where('status', '=', 'retiring');

/**
 * Starts a data-key rotation in one transaction: a new active version for every bucket, the old ones
 * `retiring` (still readable), and a `vault_rotations` row. A rotation already running is resumed instead:
 * the state lives in the database (which rows still carry a retiring key), so a crash loses nothing.
 */
async function startOrResume(deps: RotationDeps): Promise<{ id: string; resumed: boolean; total: number }> {
  const { db, keyring, clock } = deps;
  const running = await db.selectFrom('vault_rotations').selectAll().where('status', '=', 'running').executeTakeFirst();
  if (running) return { id: running.id, resumed: true, total: Number(running.total) };
  await keyring.unlock();
  return db.transaction().execute(async (trx) => {
    const active = await trx.selectFrom('vault_data_keys').select(['id', 'scope', 'version']).where('status', '=', 'active').execute();
    const newest = new Map<string, number>();
    for (const k of active) newest.set(k.scope, Math.max(newest.get(k.scope) ?? 0, Number(k.version)));
    for (const [scope, version] of newest) {
      const maxRow = await trx.selectFrom('vault_data_keys').select((eb) => eb.fn.max('version').as('v')).where('scope', '=', scope).executeTakeFirst();
      await insertDataKey(trx, keyring.master, scope, Math.max(version, Number(maxRow?.v ?? 0)) + 1, clock);
    }
    if (active.length) await trx.updateTable('vault_data_keys').set({ status: 'retiring' }).where('id', 'in', active.map((k) => k.id)).execute();
    const total = await countPending(trx);
    const id = newId();
    await trx.insertInto('vault_rotations').values({ id, status: 'running', total, done: 0, started_at: clock.now().toISOString(), finished_at: null }).execute();
    return { id, resumed: false, total };
  });
}

function pendingQuery(db: Kysely<any>) {
  return db.selectFrom('credentials').where((eb) => eb.or([
    eb('kid', 'in', retiringKids(db)),
    eb('id', 'in', eb.selectFrom('credential_versions').select('credential_id').where('kid', 'in', retiringKids(db))),
  ]));
}

const countPending = async (db: Kysely<any>) =>
  Number((await pendingQuery(db).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);

/**
 * Re-encrypts one credential (and its earlier versions) under its bucket's active key, with one `rotate`
 * audit row. The row is re-read and locked inside the transaction, so a concurrent update is never lost.
 */
async function reencryptOne(deps: RotationDeps, trx: Kysely<any>, id: string, target: { kid: string; key: Buffer }): Promise<boolean> {
  const row = await trx.selectFrom('credentials').selectAll().where('id', '=', id)
    .$if(dialectOf(trx) !== 'sqlite', (q) => q.forUpdate()).executeTakeFirst();
  if (!row) return false;
  const place = { client_id: row.client_id ?? null, credential_id: id };
  const reseal = async (source: Record<string, unknown>) => {
    const secrets = openSecrets(await deps.keyring.keyById(String(source.kid), trx), String(source.kid), place, source);
    // Every column is rewritten: set secrets sealed anew under the target key, empty ones stay null.
    return sealSecrets(target.key, target.kid, place, Object.fromEntries(SECRET_FIELDS.map((f) => [f, secrets[f] ?? null])));
  };
  const fromKid = row.kid;
  if (row.kid !== target.kid) await trx.updateTable('credentials').set({ ...(await reseal(row)), kid: target.kid }).where('id', '=', id).execute();
  const versions = await trx.selectFrom('credential_versions').selectAll().where('credential_id', '=', id).where('kid', '!=', target.kid).execute();
  for (const v of versions) await trx.updateTable('credential_versions').set({ ...(await reseal(v)), kid: target.kid }).where('id', '=', v.id).execute();
  await deps.credentialAudit.record(trx, systemContext('vault-rotate'), {
    credential_id: id, action: 'rotate', details: { from_kid: fromKid, to_kid: target.kid, versions: versions.length },
  });
  return true;
}

/** `claudetools vault rotate`: new data-key versions, then re-encryption in batches; reads work throughout. */
export async function rotateDataKeys(deps: RotationDeps, opts: RotationOptions = {}): Promise<RotationResult> {
  const { db, keyring, clock } = deps;
  const batchSize = opts.batchSize ?? 100;
  const rotation = await startOrResume(deps);
  let reencrypted = 0;
  for (;;) {
    const batch = await pendingQuery(db).select(['id', 'client_id']).orderBy('id').limit(batchSize).execute();
    if (!batch.length) break;
    // Keys are looked up before the transaction: on SQLite a query outside it would wait for it forever.
    const targets = new Map<string, { kid: string; key: Buffer }>();
    for (const c of batch) if (!targets.has(String(c.client_id))) targets.set(String(c.client_id), await keyring.activeKey(c.client_id ?? null));
    for (const k of await retiringKids(db).execute()) await keyring.keyById(k.id);
    const done = await db.transaction().execute(async (trx) => {
      let n = 0;
      for (const c of batch) if (await reencryptOne(deps, trx, c.id, targets.get(String(c.client_id))!)) n++;
      await trx.updateTable('vault_rotations').set((eb) => ({ done: eb('done', '+', n) })).where('id', '=', rotation.id).execute();
      return n;
    });
    reencrypted += done;
    await opts.afterBatch?.(reencrypted, rotation.total);
  }
  await db.transaction().execute(async (trx) => {
    const at = clock.now().toISOString();
    await trx.updateTable('vault_data_keys').set({ status: 'retired', retired_at: at }).where('status', '=', 'retiring').execute();
    await trx.updateTable('vault_rotations').set({ status: 'done', finished_at: at }).where('id', '=', rotation.id).execute();
  });
  return { rotation_id: rotation.id, resumed: rotation.resumed, reencrypted, total: rotation.total };
}
