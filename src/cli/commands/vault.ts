import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { rewrapDataKeys, vaultUses } from '../../modules/vault/master-rotation.js';
import { rotateDataKeys } from '../../modules/vault/rotation.js';
import { vaultStatus } from '../../modules/vault/status.js';
import { deriveMasterKey } from '../../vault/master-key.js';
import { printJson, printTable } from '../output.js';
import { withServerServices } from '../server-context.js';

/** The key behind a key text: base64 bytes, in the key file and in CLAUDETOOLS_MASTER_KEY alike. */
const secretOf = (text: string) => Buffer.from(text, 'base64');

/** Vault administration on the server's own database (run it where the server's config and keys are). */
export function vaultCommands(program: Command): void {
  const vault = program.command('vault').description('The credential vault\'s keys (on the server)');

  vault.command('status').description('Master key fingerprint, data key versions and how many rows each protects').option('--json')
    .action((o) => withServerServices(async (s) => {
      await s.vault.keyring.unlock();
      const st = await vaultStatus(s.db);
      if (o.json) return printJson(st);
      process.stdout.write(`Master key ${st.master?.fingerprint ?? '(none yet)'}${st.master?.rotated_at ? `, rotated ${st.master.rotated_at}` : ''}\n\n`);
      printTable(st.keys.map((k) => ({ ...k, bucket: k.client ?? k.scope })), ['bucket', 'version', 'status', 'credentials', 'versions', 'kid']);
      if (st.rotation) process.stdout.write(`\nLast rotation: ${st.rotation.status}, ${st.rotation.done}/${st.rotation.total} credentials, started ${st.rotation.started_at}\n`);
    }));

  vault.command('rotate').description('New data key versions, then re-encrypt every credential in batches; run again to resume after a crash')
    .option('--batch-size <n>', 'credentials per transaction', '100').option('--json')
    .action((o) => withServerServices(async (s) => {
      const v = s.vault;
      const result = await rotateDataKeys({ db: s.db, keyring: v.keyring, credentialAudit: v.credentialAudit, clock: s.clock }, {
        batchSize: Number(o.batchSize),
        afterBatch: o.json ? undefined : (done, total) => { process.stderr.write(`re-encrypted ${done}/${total}\n`); },
      });
      if (o.json) return printJson(result);
      process.stdout.write(`${result.resumed ? 'Resumed and finished' : 'Finished'} rotation ${result.rotation_id}: ${result.reencrypted} credentials re-encrypted\n`);
    }));

  vault.command('rotate-master').description('Re-wrap every data key under a new master key (credentials are not touched); restart servers afterwards')
    .action(() => withServerServices(async (s, config) => {
      const viaEnv = !!config.masterKey;
      const keyFile = join(config.home, 'keys', 'master.key');
      // The new key is on disk before the database commits to it, so a crash never loses it; a rerun reuses it.
      const nextFile = `${keyFile}.next`;
      if (!existsSync(nextFile)) writeFileSync(nextFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      const next = deriveMasterKey(secretOf(readFileSync(nextFile, 'utf8').trim()));
      let rewrapped = 0;
      if (!(await vaultUses(s.db, next))) {
        await s.vault.keyring.unlock();
        rewrapped = await rewrapDataKeys(s.db, s.vault.keyring.master, next, s.clock);
      }
      if (viaEnv) {
        process.stdout.write(`Re-wrapped ${rewrapped} data keys under master key ${next.fingerprint}.\n`
          + `Set CLAUDETOOLS_MASTER_KEY to the content of ${nextFile} on every server, restart them, then delete that file.\n`);
      } else {
        renameSync(nextFile, keyFile);
        process.stdout.write(`Re-wrapped ${rewrapped} data keys under master key ${next.fingerprint}; ${keyFile} replaced. Restart the server.\n`);
      }
    }));
}
