import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';
import { api, auditRowsOf, credentialBody } from './support.js';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(DIALECTS[0], { settings: { vaultRequireReason: true } }); });
afterAll(async () => { await t?.close(); });

it('refuses reveal and TOTP without a reason when the server requires one, and audits nothing for them', async () => {
  const a = api(() => t);
  const id = (await a.create(credentialBody())).json().id;
  const refused = await a.reveal(id);
  expect(refused.json()).toMatchObject({ status: 400, code: 'reason_required', errors: [{ path: 'reason' }] });
  expect(refused.body).not.toContain('PLANTED');
  expect((await a.get(`/api/credentials/${id}/totp`)).json()).toMatchObject({ code: 'reason_required' });
  expect((await auditRowsOf(t, id)).map((r) => r.action)).toEqual(['create']);
  expect((await a.reveal(id, { reason: 'INC-9' })).statusCode).toBe(200);
  expect((await a.get(`/api/credentials/${id}/totp?reason=INC-9`)).statusCode).toBe(200);
  expect((await auditRowsOf(t, id)).map((r) => [r.action, r.reason])).toEqual([['create', null], ['reveal', 'INC-9'], ['totp', 'INC-9']]);
});
