import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { systemContext } from '../../src/core/context.js';
import { vaultStatus } from '../../src/modules/vault/status.js';
import { appSettings, loadKeys, openDatabase } from '../../src/runtime.js';
import { BIN, childEnv, cli, ROOT, tempHome } from '../e2e/helpers.js';
import { credentialBody } from './support.js';

const ctx = systemContext('test');

/** The server's own app on its data directory, as `npm start` would build it. */
async function openServerApp(home: string) {
  const config = loadConfig({ CLAUDETOOLS_HOME: home });
  const database = await openDatabase(config);
  const app = await buildApp({ database, keys: loadKeys(config), settings: appSettings(config) });
  return { app, db: database.db, async close() { await app.close(); await database.close(); } };
}

it('a SIGKILLed `vault rotate` leaves every credential readable, and rerunning it finishes the job', async () => {
  const home = tempHome();
  const seeded = await openServerApp(home);
  const expected = new Map<string, string>();
  for (let i = 0; i < 300; i++) {
    const body = credentialBody({ client_id: null });
    expected.set((await seeded.app.services.vault.credentials.create(ctx, body)).id, body.password);
  }
  await seeded.close();

  // Kill the rotation as soon as it reports its first committed batch.
  const child = spawn(process.execPath, [BIN, 'vault', 'rotate', '--batch-size', '1'], { cwd: ROOT, env: childEnv({ CLAUDETOOLS_HOME: home }) });
  let stderr = '';
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  child.stderr.on('data', (d) => { stderr += d; if (/re-encrypted \d+\//.test(stderr)) child.kill('SIGKILL'); });
  expect(await exited).toBe('SIGKILL');

  const mid = await openServerApp(home);
  try {
    const status = await vaultStatus(mid.db);
    expect(status.rotation).toMatchObject({ status: 'running', total: 300 });
    expect(status.rotation!.done).toBeGreaterThan(0);
    expect(status.rotation!.done).toBeLessThan(300);
    const [oldKey, newKey] = status.keys;
    expect([oldKey!.status, newKey!.status]).toEqual(['retiring', 'active']);
    expect(oldKey!.credentials + newKey!.credentials).toBe(300);
    for (const [id, password] of expected) expect((await mid.app.services.vault.credentials.reveal(ctx, id)).secrets.password).toBe(password);
  } finally {
    await mid.close();
  }

  // The restart: the same command resumes the running rotation and finishes it.
  const resumed = cli(['vault', 'rotate', '--batch-size', '50'], { CLAUDETOOLS_HOME: home });
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.stdout).toContain('Resumed and finished');

  const after = await openServerApp(home);
  try {
    const status = await vaultStatus(after.db);
    expect(status.rotation).toMatchObject({ status: 'done' });
    expect(status.keys.map((k) => [k.version, k.status, k.credentials])).toEqual([[1, 'retired', 0], [2, 'active', 300]]);
    for (const [id, password] of expected) expect((await after.app.services.vault.credentials.reveal(ctx, id)).secrets.password).toBe(password);
    const rotates = await after.db.selectFrom('credential_audit_logs').select('credential_id').where('action', '=', 'rotate').execute();
    expect(rotates).toHaveLength(300);
    expect(new Set(rotates.map((r) => r.credential_id)).size).toBe(300);
    expect((await after.app.services.audit.verify()).ok).toBe(true);
  } finally {
    await after.close();
  }
}, 120_000);
