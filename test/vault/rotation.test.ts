import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { systemContext } from '../../src/core/context.js';
import { dialectOf } from '../../src/db/dialect.js';
import { rewrapDataKeys } from '../../src/modules/vault/master-rotation.js';
import { rotateDataKeys } from '../../src/modules/vault/rotation.js';
import { vaultStatus } from '../../src/modules/vault/status.js';
import { deriveMasterKey } from '../../src/vault/master-key.js';
import { describeEachDialect } from '../support/dialects.js';
import { seedParents } from '../support/msp.js';
import { auditRowsOf, credentialBody, testSettings } from './support.js';

const ctx = systemContext('test');
/** What one credential must reveal: its current password, its first one, and an api_key that never changes. */
interface Expected { current: string; v1: string; apiKey: string }

describeEachDialect('key rotation', (t) => {
  /** Credentials in two clients and the global bucket, some with an earlier version; returns what each must reveal. */
  async function seed() {
    const s = t().services.vault.credentials;
    const [p, q] = [await seedParents(t()), await seedParents(t())];
    const expected = new Map<string, Expected>();
    for (const clientId of [p.client_id, p.client_id, q.client_id, q.client_id, null, null, p.client_id]) {
      const body = credentialBody({ client_id: clientId });
      const id = (await s.create(ctx, body)).id;
      let current = body.password;
      if (expected.size % 2 === 0) {
        current = `PLANTED-v2-${randomBytes(4).toString('hex')}`;
        await s.update(ctx, id, { password: current });
      }
      expected.set(id, { current, v1: body.password, apiKey: body.api_key });
    }
    return expected;
  }

  /** Every credential's current and first version open, with the right values. */
  async function readsWork(expected: Map<string, Expected>) {
    const s = t().services.vault.credentials;
    for (const [id, e] of expected) {
      expect((await s.reveal(ctx, id)).secrets).toMatchObject({ password: e.current, api_key: e.apiKey });
      expect((await s.reveal(ctx, id, { version: 1 })).secrets.password).toBe(e.v1);
    }
  }

  const deps = () => ({ db: t().db, keyring: t().services.vault.keyring, credentialAudit: t().services.vault.credentialAudit, clock: t().services.clock });
  const onRetiring = async () => (await vaultStatus(t().db)).keys.filter((k) => k.status === 'retiring').reduce((n, k) => n + k.credentials + k.versions, 0);

  it('rotates data keys in batches, survives a crash mid-way, resumes, and reads work at every step', async () => {
    const expected = await seed();
    const before = await vaultStatus(t().db);
    expect(before.keys.every((k) => k.version === 1 && k.status === 'active')).toBe(true);
    expect(before.keys.reduce((n, k) => n + k.credentials, 0)).toBe(expected.size);

    // Crash after the first batch of two credentials.
    await expect(rotateDataKeys(deps(), { batchSize: 2, afterBatch: () => { throw new Error('simulated crash'); } })).rejects.toThrow('simulated crash');
    const mid = await vaultStatus(t().db);
    expect(mid.rotation).toMatchObject({ status: 'running', done: 2, total: expected.size });
    expect(mid.keys.filter((k) => k.status === 'active').every((k) => k.version === 2)).toBe(true);
    expect(mid.keys.filter((k) => k.status === 'active').reduce((n, k) => n + k.credentials, 0)).toBe(2);
    expect(await onRetiring()).toBeGreaterThan(0);
    await readsWork(expected);

    // Writes during the rotation land on the new keys, take the untouched secrets along, and stay readable.
    const s = t().services.vault.credentials;
    const [someId, some] = [...expected].at(-1)!;
    some.current = 'PLANTED-during-rotation';
    const keyStatusOf = async (id: string) => (await t().db.selectFrom('credentials').innerJoin('vault_data_keys', 'vault_data_keys.id', 'credentials.kid')
      .select('vault_data_keys.status').where('credentials.id', '=', id).executeTakeFirstOrThrow()).status;
    expect(await keyStatusOf(someId)).toBe('retiring');
    await s.update(ctx, someId, { password: some.current });
    expect(await keyStatusOf(someId)).toBe('active');
    const late = credentialBody();
    expected.set((await s.create(ctx, late)).id, { current: late.password, v1: late.password, apiKey: late.api_key });
    await readsWork(expected);

    // The restart: the same command finds the running rotation and finishes it.
    const progress: number[] = [];
    const resumed = await rotateDataKeys(deps(), { batchSize: 2, afterBatch: (done) => { progress.push(done); } });
    expect(resumed.resumed).toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    await readsWork(expected);
    const after = await vaultStatus(t().db);
    expect(after.rotation).toMatchObject({ status: 'done' });
    expect(after.keys.filter((k) => k.status === 'retired').every((k) => k.version === 1 && k.credentials === 0 && k.versions === 0)).toBe(true);
    expect(after.keys.filter((k) => k.status === 'active').every((k) => k.version === 2)).toBe(true);
    expect(await onRetiring()).toBe(0);

    // One rotate audit row per credential that had data under an old key; none for the one made mid-rotation.
    for (const id of expected.keys()) {
      const rotates = (await auditRowsOf(t(), id)).filter((r) => r.action === 'rotate').length;
      expect(rotates).toBe(id === [...expected.keys()].at(-1) ? 0 : 1);
    }
    expect((await t().app.inject({ method: 'GET', url: '/api/audit/verify', headers: t().adminHeaders })).json().ok).toBe(true);

    // A second rotation starts fresh at version 3.
    const second = await rotateDataKeys(deps());
    expect(second).toMatchObject({ resumed: false, total: expected.size, reencrypted: expected.size });
    expect((await vaultStatus(t().db)).keys.filter((k) => k.status === 'active').every((k) => k.version === 3)).toBe(true);
    await readsWork(expected);
  });

  it('rotates the master key by re-wrapping data keys only; the old key is then refused', async () => {
    const expected = await seed();
    const credentialsBefore = await t().db.selectFrom('credentials').selectAll().orderBy('id').execute();
    const oldMaster = t().services.vault.keyring.master;
    const newSecret = randomBytes(32);
    const n = await rewrapDataKeys(t().db, oldMaster, deriveMasterKey(newSecret), t().services.clock);
    expect(n).toBeGreaterThan(0);
    expect(await t().db.selectFrom('credentials').selectAll().orderBy('id').execute()).toEqual(credentialsBefore);
    expect((await vaultStatus(t().db)).master!.fingerprint).toBe(deriveMasterKey(newSecret).fingerprint);

    const settings = testSettings;
    const database = { db: t().db, dialect: dialectOf(t().db), close: async () => {} };
    const withNew = await buildApp({ database, keys: { ...t().keys, master: newSecret }, settings });
    for (const [id, e] of expected) expect((await withNew.services.vault.credentials.reveal(ctx, id)).secrets.password).toBe(e.current);
    await withNew.close();
    await expect(buildApp({ database, keys: t().keys, settings })).rejects.toThrow(/does not match/);
    // Rotating back restores the test app's own key for the other tests.
    await rewrapDataKeys(t().db, deriveMasterKey(newSecret), oldMaster, t().services.clock);
  });
});
