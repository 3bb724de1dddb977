import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { systemContext } from '../../src/core/context.js';
import { createKeyring, unwrapDataKey, VaultKeyError, type StoredDataKey } from '../../src/modules/vault/keyring.js';
import { rewrapDataKeys } from '../../src/modules/vault/master-rotation.js';
import { rotateDataKeys } from '../../src/modules/vault/rotation.js';
import { vaultStatus } from '../../src/modules/vault/status.js';
import { deriveMasterKey } from '../../src/vault/master-key.js';
import { describeEachDialect } from '../support/dialects.js';
import { seedParents } from '../support/msp.js';
import { auditRowsOf, credentialBody } from './support.js';

const ctx = systemContext('test');

/**
 * Starts `work` without waiting for it, gives it a moment to get as far as it can (into the middle of the
 * caller's transaction, if nothing stops it), and returns it to be awaited later.
 */
async function interleave<T>(work: () => Promise<T>): Promise<{ done: Promise<T> }> {
  const running = work();
  running.catch(() => {});
  await Promise.race([running, sleep(300)]);
  return { done: running };
}

describeEachDialect('key rotation racing writes', (t) => {
  const v = () => t().services.vault;
  const deps = () => ({ db: t().db, keyring: v().keyring, credentialAudit: v().credentialAudit, clock: t().services.clock });

  /** Nothing is left under a key that is not active, and every current secret and version opens. */
  async function allOnActiveKeys(expected: Map<string, string>) {
    const st = await vaultStatus(t().db);
    expect(st.keys.filter((k) => k.status !== 'active').map((k) => k.credentials + k.versions)).toEqual(st.keys.filter((k) => k.status !== 'active').map(() => 0));
    for (const [id, password] of expected) {
      expect((await v().credentials.reveal(ctx, id)).secrets.password).toBe(password);
      const versions = (await v().credentials.versions(ctx, id)).items;
      for (const ver of versions) await v().credentials.reveal(ctx, id, { version: ver.version });
    }
  }

  it('a rotation that starts between a write picking its data key and writing leaves every row on the active key', async () => {
    const p = await seedParents(t());
    const expected = new Map<string, string>();
    for (let i = 0; i < 3; i++) {
      const body = credentialBody({ client_id: p.client_id });
      expected.set((await v().credentials.create(ctx, body)).id, body.password);
    }
    const [firstId] = [...expected.keys()];

    // A create: the rotation starts (and, unless a lock stops it, runs to the end) after the key was picked.
    let rotation: Promise<unknown> | undefined;
    v().credentials.testHooks.beforeWrite = async () => { rotation = (await interleave(() => rotateDataKeys(deps(), { batchSize: 2 }))).done; };
    const body = credentialBody({ client_id: p.client_id });
    try {
      expected.set((await v().credentials.create(ctx, body)).id, body.password);
    } finally {
      v().credentials.testHooks.beforeWrite = undefined;
    }
    await rotation;
    expect((await vaultStatus(t().db)).rotation).toMatchObject({ status: 'done' });
    await allOnActiveKeys(expected);

    // An update of an already rotated row: the next rotation runs after the update picked its key.
    v().credentials.testHooks.beforeWrite = async () => { rotation = (await interleave(() => rotateDataKeys(deps(), { batchSize: 2 }))).done; };
    try {
      expected.set(firstId, 'PLANTED-racing-update');
      await v().credentials.update(ctx, firstId, { password: 'PLANTED-racing-update' });
    } finally {
      v().credentials.testHooks.beforeWrite = undefined;
    }
    await rotation;
    expect((await vaultStatus(t().db)).rotation).toMatchObject({ status: 'done' });
    await allOnActiveKeys(expected);
    // One rotate audit row per credential moved, never one for a credential that was already on the target key.
    for (const id of expected.keys()) {
      const rotates = (await auditRowsOf(t(), id)).filter((r) => r.action === 'rotate');
      expect(new Set(rotates.map((r) => JSON.parse(r.details as string).to_kid)).size).toBe(rotates.length);
    }
    expect((await t().app.inject({ method: 'GET', url: '/api/audit/verify', headers: t().adminHeaders })).json().ok).toBe(true);
  });

  it('updates running alongside rotation batches neither deadlock nor leave a row behind', async () => {
    const p = await seedParents(t());
    const expected = new Map<string, string>();
    for (let i = 0; i < 8; i++) {
      const body = credentialBody({ client_id: i % 2 ? p.client_id : null });
      expected.set((await v().credentials.create(ctx, body)).id, body.password);
    }
    const ids = [...expected.keys()];
    const updates = ids.map(async (id, i) => {
      const password = `PLANTED-concurrent-${i}`;
      expected.set(id, password);
      await v().credentials.update(ctx, id, { password });
    });
    // Batches lock several rows (A then B) while updates hold single rows and then the audit chain.
    await Promise.all([rotateDataKeys(deps(), { batchSize: 3 }), ...updates]);
    await rotateDataKeys(deps(), { batchSize: 3 });
    await allOnActiveKeys(expected);
  });

  it('rows left under a retired key are still pending: the next rotation moves them', async () => {
    const p = await seedParents(t());
    const expected = new Map<string, string>();
    for (let i = 0; i < 3; i++) {
      const body = credentialBody({ client_id: p.client_id });
      expected.set((await v().credentials.create(ctx, body)).id, body.password);
    }
    await expect(rotateDataKeys(deps(), { batchSize: 1, afterBatch: () => { throw new Error('crash'); } })).rejects.toThrow('crash');
    // What the old finalize could do: retire a key that still protects rows.
    await t().db.updateTable('vault_data_keys').set({ status: 'retired' }).where('status', '=', 'retiring').execute();
    const resumed = await rotateDataKeys(deps(), { batchSize: 1 });
    expect(resumed.resumed).toBe(true);
    await allOnActiveKeys(expected);
  });

  it('a resumed run finding a credential already moved writes no rotate row and does not count it', async () => {
    const p = await seedParents(t());
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push((await v().credentials.create(ctx, credentialBody({ client_id: p.client_id }))).id);
    await expect(rotateDataKeys(deps(), { batchSize: 1, afterBatch: () => { throw new Error('crash'); } })).rejects.toThrow('crash');
    const before = await t().db.selectFrom('credential_audit_logs').select((eb) => eb.fn.countAll().as('n')).where('action', '=', 'rotate').executeTakeFirstOrThrow();
    // Two resumed runs at once: each credential is re-encrypted, audited and counted once.
    const runs = await Promise.all([rotateDataKeys(deps(), { batchSize: 1 }), rotateDataKeys(deps(), { batchSize: 1 })]);
    const after = await t().db.selectFrom('credential_audit_logs').select((eb) => eb.fn.countAll().as('n')).where('action', '=', 'rotate').executeTakeFirstOrThrow();
    const st = await vaultStatus(t().db);
    const moved = Number(after.n) - Number(before.n);
    expect(runs[0].reencrypted + runs[1].reencrypted).toBe(moved);
    expect(st.rotation!.done).toBe(st.rotation!.total);
  });

  it('resuming a rotation with a wrong master key refuses before anything, even with nothing left to re-encrypt', async () => {
    await v().credentials.create(ctx, credentialBody({ client_id: null }));
    await expect(rotateDataKeys(deps(), { batchSize: 1000, afterBatch: () => { throw new Error('crash'); } })).rejects.toThrow('crash');
    const before = await vaultStatus(t().db);
    expect(before.rotation).toMatchObject({ status: 'running' });
    const wrong = createKeyring({ db: t().db, master: deriveMasterKey(randomBytes(32)), clock: t().services.clock });
    await expect(rotateDataKeys({ ...deps(), keyring: wrong })).rejects.toThrow(VaultKeyError);
    expect(await vaultStatus(t().db)).toEqual(before);
    await rotateDataKeys(deps());
  });

  it('rotate-master racing a new client\'s first credential: the new data key is wrapped under the new master key', async () => {
    const p = await seedParents(t());
    const oldMaster = v().keyring.master;
    const next = deriveMasterKey(randomBytes(32));
    let rewrap: Promise<number> | undefined;
    v().keyring.testHooks.beforeNewKey = async () => { rewrap = (await interleave(() => rewrapDataKeys(t().db, oldMaster, next, t().services.clock))).done; };
    let created: unknown;
    try {
      created = await v().credentials.create(ctx, credentialBody({ client_id: p.client_id })).catch((e: Error) => e);
    } finally {
      v().keyring.testHooks.beforeNewKey = undefined;
    }
    await rewrap;
    // Either the key was made first (and re-wrapped), or the create was refused: never a key under the replaced master key.
    for (const row of await t().db.selectFrom('vault_data_keys').selectAll().execute()) {
      expect(() => unwrapDataKey(next, row as StoredDataKey)).not.toThrow();
    }
    // This server still holds the replaced key: it may not write (a restart with the new key is needed).
    if (created instanceof Error) expect(created).toBeInstanceOf(VaultKeyError);
    await rewrapDataKeys(t().db, next, oldMaster, t().services.clock);
  });
});
