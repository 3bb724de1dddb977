import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/dialects.js';
import { api, credentialBody } from './support.js';

describeEachDialect('credential audit chain', (t) => {
  const a = api(t);
  const verify = async () => {
    const res = await a.get('/api/audit/verify');
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const rows = () => t().db.selectFrom('credential_audit_logs').selectAll().orderBy('seq').execute();

  it('verifies both chains, then names an altered, removed, inserted and truncated credential audit row', async () => {
    const id = (await a.create(credentialBody())).json().id;
    for (let i = 0; i < 3; i++) await a.reveal(id, { reason: `check ${i}` });
    const intact = await verify();
    expect(intact).toMatchObject({ ok: true, first_problem: null, chains: { audit_logs: { ok: true }, credential_audit_logs: { ok: true } } });
    expect(intact.chains.credential_audit_logs.checked).toBe((await rows()).length);

    const all = await rows();
    const victim = all[all.length - 2];
    const problem = async () => (await verify()).first_problem;

    await t().db.updateTable('credential_audit_logs').set({ reason: 'nothing to see' }).where('id', '=', victim.id).execute();
    expect(await problem()).toMatchObject({ chain: 'credential_audit_logs', seq: Number(victim.seq), id: victim.id, problem: 'altered' });
    expect((await problem()).message).toContain('credential_audit_logs');
    await t().db.updateTable('credential_audit_logs').set({ reason: victim.reason }).where('id', '=', victim.id).execute();
    expect((await verify()).ok).toBe(true);

    await t().db.deleteFrom('credential_audit_logs').where('id', '=', victim.id).execute();
    expect(await problem()).toMatchObject({ chain: 'credential_audit_logs', seq: Number(victim.seq) + 1, problem: 'removed' });
    await t().db.insertInto('credential_audit_logs').values(victim).execute();

    // A forged row appended at the end: it links to the tip, but without the key its hash cannot verify.
    const forged = { ...victim, id: '01890000-0000-7000-8000-00000000cafe', seq: Number(all.at(-1)!.seq) + 1, prev_hash: all.at(-1)!.hash, hash: 'e'.repeat(64) };
    await t().db.insertInto('credential_audit_logs').values(forged).execute();
    expect(await problem()).toMatchObject({ chain: 'credential_audit_logs', seq: forged.seq, id: forged.id, problem: 'altered' });
    await t().db.deleteFrom('credential_audit_logs').where('id', '=', forged.id).execute();
    expect((await verify()).ok).toBe(true);

    // A row replayed into the middle: later rows renumbered to make room, the copy keeps its original links and hash.
    const later = all.filter((r) => Number(r.seq) > Number(victim.seq)).sort((x, y) => Number(y.seq) - Number(x.seq));
    for (const r of later) await t().db.updateTable('credential_audit_logs').set({ seq: Number(r.seq) + 1 }).where('id', '=', r.id).execute();
    const replayed = { ...victim, id: '01890000-0000-7000-8000-00000000beef', seq: Number(victim.seq) + 1 };
    await t().db.insertInto('credential_audit_logs').values(replayed).execute();
    expect(await problem()).toMatchObject({ chain: 'credential_audit_logs', seq: replayed.seq, id: replayed.id, problem: 'inserted' });
    await t().db.deleteFrom('credential_audit_logs').where('id', '=', replayed.id).execute();
    for (const r of later.reverse()) await t().db.updateTable('credential_audit_logs').set({ seq: Number(r.seq) }).where('id', '=', r.id).execute();
    expect((await verify()).ok).toBe(true);

    await t().db.deleteFrom('credential_audit_logs').where('id', '=', all.at(-1)!.id).execute();
    expect(await problem()).toMatchObject({ chain: 'credential_audit_logs', problem: 'truncated' });
    await t().db.insertInto('credential_audit_logs').values(all.at(-1)!).execute();
    expect((await verify()).ok).toBe(true);
  });

  it('keeps one credential chain under concurrent reveals', async () => {
    const id = (await a.create(credentialBody())).json().id;
    const results = await Promise.all(Array.from({ length: 12 }, () => a.reveal(id)));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    const seqs = (await rows()).map((r) => Number(r.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect((await verify()).ok).toBe(true);
  });
});
