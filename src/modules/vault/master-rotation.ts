import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { rowLock } from '../../db/dialect.js';
import { matchesKeyCheck, type MasterKey } from '../../vault/master-key.js';
import { lockScopeKeys, unwrapDataKey, VaultKeyError, wrapDataKey, type StoredDataKey } from './keyring.js';

/**
 * `claudetools vault rotate-master`: re-wraps every data key under a new master key and stores the new
 * key-check value, all in one transaction, so the database holds either the old wrapping or the new one.
 * No credential is touched. Servers holding the old key must restart with the new one.
 */
export async function rewrapDataKeys(db: Kysely<any>, from: MasterKey, to: MasterKey, clock: Clock): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const check = await trx.selectFrom('vault_master').selectAll().where('id', '=', 'master')
      .$call(rowLock(trx)).executeTakeFirst();
    if (!check || !matchesKeyCheck(from, check.key_check)) throw new VaultKeyError('The current master key does not match this database\'s vault; nothing was changed.');
    // Read after the key-check row's lock was granted, so a data key made while this waited is re-wrapped too;
    // locked the way every other key locker locks them (see lockScopeKeys).
    const scopes = (await trx.selectFrom('vault_data_keys').select('scope').distinct().execute()).map((r) => String(r.scope));
    const keys = await lockScopeKeys(trx, scopes, 'update');
    for (const k of keys) {
      const plain = unwrapDataKey(from, k as StoredDataKey);
      await trx.updateTable('vault_data_keys').set({ wrapped: wrapDataKey(to, k.scope, Number(k.version), k.id, plain) }).where('id', '=', k.id).execute();
    }
    await trx.updateTable('vault_master').set({ key_check: to.keyCheck, rotated_at: clock.now().toISOString() }).where('id', '=', 'master').execute();
    return keys.length;
  });
}

/** Whether the database's vault is locked to this master key (used to finish an interrupted rotate-master). */
export async function vaultUses(db: Kysely<any>, master: MasterKey): Promise<boolean> {
  const check = await db.selectFrom('vault_master').select('key_check').where('id', '=', 'master').executeTakeFirst();
  return !!check && matchesKeyCheck(master, check.key_check);
}
