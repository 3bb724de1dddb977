import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { systemContext } from '../../core/context.js';
import { newId } from '../../core/ids.js';
import { rowLock } from '../../db/dialect.js';
import type { CredentialAudit } from './credential-audit.js';
import { insertDataKey, lockMasterRow, lockScopeKeys, scopeOf, type DataKey, type Keyring } from './keyring.js';
import { SECRET_FIELDS } from './entity.js';
import { openSecrets, placeOf, sealSecrets } from './secrets.js';

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

/** Every key but the active ones: a row under any of them is pending, whatever left it there. */
const activeKids = (db: Kysely<any>) => db.selectFrom('vault_data_keys').select('id').where('status', '=', 'active');

/**
 * Starts a data-key rotation in one transaction: a new active version for every bucket, the old ones
 * `retiring` (still readable), and a `vault_rotations` row. A rotation already running is resumed instead:
 * the state lives in the database (which rows still carry a non-active key), so a crash loses nothing.
 */
async function startOrResume(deps: RotationDeps): Promise<{ id: string; resumed: boolean; total: number }> {
  const { db, keyring, clock } = deps;
  const running = await db.selectFrom('vault_rotations').selectAll().where('status', '=', 'running').executeTakeFirst();
  if (running) return { id: running.id, resumed: true, total: Number(running.total) };
  return db.transaction().execute(async (trx) => {
    // Locked: writes in flight (holding the key-check row shared) finish before any key is retired; later ones read the new keys.
    await lockMasterRow(trx, 'update');
    const scopes = (await trx.selectFrom('vault_data_keys').select('scope').distinct().execute()).map((r) => String(r.scope));
    const active = (await lockScopeKeys(trx, scopes, 'update')).filter((k) => k.status === 'active');
    // Another `vault rotate` may have started one while this waited for the locks: resume that one.
    const started = await trx.selectFrom('vault_rotations').selectAll().where('status', '=', 'running').executeTakeFirst();
    if (started) return { id: started.id, resumed: true, total: Number(started.total) };
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
    eb('kid', 'not in', activeKids(db)),
    eb('id', 'in', eb.selectFrom('credential_versions').select('credential_id').where('kid', 'not in', activeKids(db))),
  ]));
}

const countPending = async (db: Kysely<any>) =>
  Number((await pendingQuery(db).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);

/**
 * Re-encrypts one locked credential row (and its earlier versions) under its bucket's active key.
 * Returns false when there was nothing to do (another run or an update already moved it).
 */
async function reencryptOne(deps: RotationDeps, trx: Kysely<any>, row: Record<string, unknown>, target: DataKey): Promise<{ from: string; versions: number } | null> {
  const id = String(row.id);
  const reseal = async (source: Record<string, unknown>) => {
    const place = placeOf(row, source);
    const secrets = openSecrets(await deps.keyring.keyById(String(source.kid), trx), String(source.kid), place, source);
    // Every column is rewritten: set secrets sealed anew under the target key, empty ones stay null.
    return sealSecrets(target.key, target.kid, place, Object.fromEntries(SECRET_FIELDS.map((f) => [f, secrets[f] ?? null])));
  };
  const moveRow = row.kid !== target.kid;
  if (moveRow) await trx.updateTable('credentials').set({ ...(await reseal(row)), kid: target.kid }).where('id', '=', id).execute();
  const versions = await trx.selectFrom('credential_versions').selectAll().where('credential_id', '=', id).where('kid', '!=', target.kid).execute();
  for (const v of versions) await trx.updateTable('credential_versions').set({ ...(await reseal(v)), kid: target.kid }).where('id', '=', v.id).execute();
  return moveRow || versions.length ? { from: String(row.kid), versions: versions.length } : null;
}

/** One batch in one short transaction: lock its rows (by id), re-encrypt, then the audit rows last; returns how many moved. */
async function runBatch(deps: RotationDeps, rotationId: string, ids: string[]): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('credentials').selectAll().where('id', 'in', ids).orderBy('id').$call(rowLock(trx)).execute();
    const targets = await deps.keyring.lockActiveKeys(trx, rows.map((r) => r.client_id ?? null));
    const done: { id: string; from: string; to: string; versions: number }[] = [];
    for (const row of rows) {
      const target = targets.get(scopeOf(row.client_id ?? null))!;
      const moved = await reencryptOne(deps, trx, row, target);
      if (moved) done.push({ id: String(row.id), ...moved, to: target.kid });
    }
    // The audit chain's lock is taken last, so readers and writers wait for it only briefly.
    for (const d of done) {
      await deps.credentialAudit.record(trx, systemContext('vault-rotate'), {
        credential_id: d.id, action: 'rotate', details: { from_kid: d.from, to_kid: d.to, versions: d.versions },
      });
    }
    if (done.length) await trx.updateTable('vault_rotations').set((eb) => ({ done: eb('done', '+', done.length) })).where('id', '=', rotationId).execute();
    return done.length;
  });
}

/**
 * Retires the retiring keys and closes the rotation, only if nothing is pending: counted again in the same
 * transaction, with the keys locked. Returns false when a straggler showed up (the caller runs another batch).
 */
async function finish(deps: RotationDeps, rotationId: string): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    await lockMasterRow(trx, 'update');
    const retiring = await trx.selectFrom('vault_data_keys').select('scope').where('status', '=', 'retiring').execute();
    await lockScopeKeys(trx, retiring.map((r) => String(r.scope)), 'update');
    if (await countPending(trx)) return false;
    const at = deps.clock.now().toISOString();
    await trx.updateTable('vault_data_keys').set({ status: 'retired', retired_at: at }).where('status', '=', 'retiring').execute();
    await trx.updateTable('vault_rotations').set({ status: 'done', finished_at: at }).where('id', '=', rotationId).execute();
    return true;
  });
}

/** `claudetools vault rotate`: new data-key versions, then re-encryption in batches; reads work throughout. */
export async function rotateDataKeys(deps: RotationDeps, opts: RotationOptions = {}): Promise<RotationResult> {
  const { db, keyring } = deps;
  const batchSize = opts.batchSize ?? 100;
  // First of all, also when resuming: a wrong master key changes nothing.
  await keyring.unlock();
  const rotation = await startOrResume(deps);
  let reencrypted = 0;
  for (;;) {
    const batch = await pendingQuery(db).select(['id', 'client_id']).orderBy('id').limit(batchSize).execute();
    if (!batch.length) {
      if (await finish(deps, rotation.id)) break;
      continue;
    }
    // Buckets' keys exist already (they hold rows); made sure of outside the transaction, where making one could write.
    for (const bucket of new Set(batch.map((c) => c.client_id ?? null))) await keyring.activeKey(bucket);
    reencrypted += await runBatch(deps, rotation.id, batch.map((c) => String(c.id)));
    await opts.afterBatch?.(reencrypted, rotation.total);
  }
  return { rotation_id: rotation.id, resumed: rotation.resumed, reencrypted, total: rotation.total };
}
