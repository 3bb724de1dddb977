import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { newId } from '../../core/ids.js';
import { AppError } from '../../core/errors.js';
import { constraintViolation, rowLock } from '../../db/dialect.js';
import { dataKeyAad, GLOBAL_SCOPE } from '../../vault/aad.js';
import { DecryptError, openBytes, seal } from '../../vault/aead.js';
import { matchesKeyCheck, type MasterKey } from '../../vault/master-key.js';

/** The master key does not fit this database: the server refuses to start, and nothing is changed. */
export class VaultKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultKeyError';
  }
}

export interface DataKey {
  kid: string;
  key: Buffer;
}

export interface Keyring {
  master: MasterKey;
  /** Compares the master key with the stored key-check value (stored on the very first start); throws VaultKeyError. */
  unlock(): Promise<void>;
  /**
   * Makes sure a client's bucket (null: the global bucket) has an active data key, making it on first use, and
   * returns it. Call outside a transaction. Never write with the key it returns: read it again with
   * lockActiveKey inside the write's transaction, as a rotation may retire it in between.
   */
  activeKey(clientId: string | null): Promise<DataKey>;
  /**
   * The bucket's active data key, read inside the caller's write transaction under a shared lock on the key-check
   * row (MariaDB, PostgreSQL; SQLite serializes write transactions), so no rotation or rotate-master can change the
   * keys before the write commits. Call activeKey first: a bucket without any key is an error here (503 after retries).
   */
  lockActiveKey(trx: Kysely<any>, clientId: string | null): Promise<DataKey>;
  /** lockActiveKey for several buckets at once (a rotation batch), locked in the one order every locker uses; by scope. */
  lockActiveKeys(trx: Kysely<any>, clientIds: (string | null)[]): Promise<Map<string, DataKey>>;
  /** The data key with this id, unwrapped once and then cached; pass the transaction when inside one. */
  keyById(kid: string, db?: Kysely<any>): Promise<Buffer>;
  /** Tests only: runs inside the transaction that makes a bucket's first key, after the master key check. */
  testHooks: { beforeNewKey?: () => Promise<void> | void };
}

const MASTER_ROW = 'master';
export const scopeOf = (clientId: string | null): string => clientId ?? GLOBAL_SCOPE;
export const kekLabel = (master: MasterKey) => `kek:${master.fingerprint}`;

export function wrapDataKey(master: MasterKey, scope: string, version: number, kid: string, key: Buffer): string {
  return seal(master.key, kekLabel(master), key, dataKeyAad(scope, version, kid));
}

/** A vault_data_keys row as the drivers return it. */
export interface StoredDataKey {
  id: string;
  scope: string;
  version: number | string;
  wrapped: string;
}

export function unwrapDataKey(master: MasterKey, row: StoredDataKey): Buffer {
  try {
    const key = openBytes(master.key, row.wrapped, dataKeyAad(row.scope, Number(row.version), row.id));
    if (key.length !== 32) throw new DecryptError('the unwrapped data key is not 32 bytes');
    return key;
  } catch (e) {
    if (e instanceof DecryptError) throw new VaultKeyError(`data key ${row.id} (${row.scope} v${row.version}) does not unwrap under this master key: ${e.message}`);
    throw e;
  }
}

/**
 * The per-client data keys (DEKs), stored wrapped by the master key (KEK) and versioned: new writes use
 * a bucket's `active` key; `retiring` keys still open older rows until a rotation re-encrypts them.
 */
export function createKeyring({ db, master, clock }: { db: Kysely<any>; master: MasterKey; clock: Clock }): Keyring {
  const unwrapped = new Map<string, Buffer>();
  let unlocked: Promise<void> | null = null;

  async function checkMaster() {
    if (await storedKeyCheckFits(db, master)) return;
    try {
      await db.insertInto('vault_master').values({ id: MASTER_ROW, key_check: master.keyCheck, created_at: clock.now().toISOString(), rotated_at: null }).execute();
    } catch (e) {
      if (constraintViolation(e)?.kind !== 'unique') throw e;
      unlocked = null; // another server stored its key first: compare with that one
      return checkMaster();
    }
  }

  function unwrapCached(row: StoredDataKey): Buffer {
    const cached = unwrapped.get(row.id);
    if (cached) return cached;
    const key = unwrapDataKey(master, row);
    unwrapped.set(row.id, key);
    return key;
  }

  const keyring: Keyring = {
    master,
    testHooks: {},
    unlock() {
      unlocked ??= checkMaster().catch((e) => { unlocked = null; throw e; });
      return unlocked;
    },

    async activeKey(clientId) {
      await keyring.unlock();
      const scope = scopeOf(clientId);
      for (let attempt = 0; attempt < 3; attempt++) {
        const row = await db.selectFrom('vault_data_keys').selectAll().where('scope', '=', scope).where('status', '=', 'active')
          .orderBy('version', 'desc').executeTakeFirst();
        if (row) return { kid: row.id, key: await keyring.keyById(row.id) };
        try {
          await db.transaction().execute(async (trx) => {
            // The key-check row stays share-locked until the new key is stored: a concurrent rotate-master
            // either commits first (and this server, on the old key, is refused) or re-wraps this key too.
            const check = await lockMasterRow(trx, 'share');
            if (!check || !matchesKeyCheck(master, check.key_check)) throw new VaultKeyError('The master key was rotated: restart with the new key.');
            await keyring.testHooks.beforeNewKey?.();
            await insertDataKey(trx, master, scope, 1, clock);
          });
        } catch (e) {
          if (constraintViolation(e)?.kind !== 'unique') throw e; // a concurrent writer made it: read theirs
        }
      }
      throw new Error(`no active data key for ${scope}`);
    },

    async lockActiveKey(trx, clientId) {
      return (await keyring.lockActiveKeys(trx, [clientId])).get(scopeOf(clientId))!;
    },

    async lockActiveKeys(trx, clientIds) {
      const scopes = [...new Set(clientIds.map(scopeOf))];
      // A locking read that waited for a rotation may not see its new key yet (PostgreSQL's statement snapshot): read again.
      // The key-check row first: shared by writers, exclusive for whatever changes keys (rotation start and finish,
      // rotate-master), so those wait for the writes in flight and later writes wait for them; never a deadlock.
      const check = await lockMasterRow(trx, 'share');
      if (check && !matchesKeyCheck(master, check.key_check)) throw new VaultKeyError('The master key was rotated: restart with the new key.');
      for (let attempt = 0; attempt < 3; attempt++) {
        const rows = await lockScopeKeys(trx, scopes, 'share');
        const active = new Map<string, StoredDataKey & { status: string }>();
        for (const r of rows) if (r.status === 'active' && Number(r.version) > Number(active.get(r.scope)?.version ?? 0)) active.set(r.scope, r);
        if (active.size < scopes.length) continue;
        const out = new Map<string, DataKey>();
        // Unwrapped from the row just read: a plain read by id could miss a key newer than the transaction's snapshot.
        for (const [scope, r] of active) out.set(scope, { kid: r.id, key: unwrapCached(r) });
        return out;
      }
      throw new AppError(503, 'vault_busy', 'A data key is being rotated: try again');
    },

    async keyById(kid, from = db) {
      const cached = unwrapped.get(kid);
      // No unlock() here: it may query outside the caller's transaction, and a wrong master key fails to unwrap anyway.
      if (cached) return cached;
      const row = await from.selectFrom('vault_data_keys').selectAll().where('id', '=', kid).executeTakeFirst();
      if (!row) throw new VaultKeyError(`data key ${kid} is unknown to this vault`);
      return unwrapCached(row as StoredDataKey);
    },
  };
  return keyring;
}

/**
 * Read-only: true when the stored key-check value recognizes `master`, false when the vault has none yet
 * (first start); a VaultKeyError for another key, or for data keys whose key-check value is gone.
 */
export async function storedKeyCheckFits(db: Kysely<any>, master: MasterKey): Promise<boolean> {
  const row = await db.selectFrom('vault_master').selectAll().where('id', '=', MASTER_ROW).executeTakeFirst();
  if (row) {
    if (matchesKeyCheck(master, row.key_check)) return true;
    throw new VaultKeyError(`The master key does not match this database's vault (the vault expects key ${String(row.key_check).slice(0, 16)}, `
      + `this key is ${master.fingerprint}). Start with the right CLAUDETOOLS_MASTER_KEY or <home>/keys/master.key; nothing was changed.`);
  }
  const keys = await db.selectFrom('vault_data_keys').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  if (Number(keys?.n ?? 0) > 0) throw new VaultKeyError('The vault holds data keys but no master key-check value: refusing an unknown master key; nothing was changed.');
  return false;
}

/** The same check before any migration runs (a database older than the vault has nothing to check), so a wrong key changes nothing, not even the schema. */
export async function checkMasterKeyBeforeMigrating(db: Kysely<any>, master: MasterKey): Promise<void> {
  const tables = await db.introspection.getTables();
  if (tables.some((t) => t.name === 'vault_master')) await storedKeyCheckFits(db, master);
}

/**
 * Locks the vault's key-check row: `share` for every write that encrypts with a data key, `update` for every change
 * of the keys themselves. Always the first key lock a transaction takes.
 */
export const lockMasterRow = (trx: Kysely<any>, mode: 'share' | 'update') =>
  trx.selectFrom('vault_master').select('key_check').where('id', '=', MASTER_ROW).$call(rowLock(trx, mode)).executeTakeFirst();

/**
 * Locks every data key row of these scopes (all versions) for the rest of the transaction, scope by scope in one
 * fixed order, with a locking read (which sees the latest committed keys, also in MariaDB's repeatable read).
 * Take lockMasterRow first.
 */
export async function lockScopeKeys(trx: Kysely<any>, scopes: string[], mode: 'share' | 'update'): Promise<(StoredDataKey & { status: string })[]> {
  const rows: (StoredDataKey & { status: string })[] = [];
  for (const scope of [...new Set(scopes)].sort()) {
    rows.push(...await trx.selectFrom('vault_data_keys').selectAll().where('scope', '=', scope).orderBy('version').$call(rowLock(trx, mode)).execute() as (StoredDataKey & { status: string })[]);
  }
  return rows;
}

/** Makes and stores a new wrapped data key version for a bucket; returns its id. */
export async function insertDataKey(db: Kysely<any>, master: MasterKey, scope: string, version: number, clock: Clock): Promise<string> {
  const kid = newId();
  await db.insertInto('vault_data_keys').values({
    id: kid, scope, version, wrapped: wrapDataKey(master, scope, version, kid, randomBytes(32)),
    status: 'active', created_at: clock.now().toISOString(), retired_at: null,
  }).execute();
  return kid;
}
