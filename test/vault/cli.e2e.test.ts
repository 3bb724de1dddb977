import { existsSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, startServer, tempHome } from '../e2e/helpers.js';

describe('claudetools cred and vault commands against a real server', () => {
  const serverHome = tempHome(); // the server: SQLite file and key files
  const laptop = tempHome(); // the CLI's own config
  const admin = { CLAUDETOOLS_ADMIN_EMAIL: 'ops@example.test', CLAUDETOOLS_ADMIN_PASSWORD: 'an admin password here', CLAUDETOOLS_VAULT_REQUIRE_REASON: 'true' };
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  afterAll(async () => { await server?.stop(); });
  const run = (args: string[], input?: string, home = laptop, extra: Record<string, string> = {}) => {
    const r = cli(args, { CLAUDETOOLS_HOME: home, ...extra }, input);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };

  it('adds, lists, shows, reveals (reason required) and gives TOTP codes; then rotates data and master keys and still reveals', async () => {
    server = await startServer({ CLAUDETOOLS_HOME: serverHome, ...admin });
    run(['login', '--server', server.url, '--email', 'ops@example.test', '--password-stdin'], 'an admin password here\n');
    const added = JSON.parse(run(['cred', 'add', '--service', 'Acme firewall', '--username', 'root', '--json'],
      JSON.stringify({ password: 'PLANTED-cli-password', totp_secret: 'JBSWY3DPEHPK3PXP' })));
    expect(added).toMatchObject({ service_name: 'Acme firewall', has_password: true, has_totp: true });
    expect(run(['cred', 'list'])).toContain('Acme firewall');
    expect(run(['cred', 'list'])).not.toContain('PLANTED');
    expect(run(['cred', 'show', 'Acme firewall'])).toContain('password, totp');

    const noReason = cli(['cred', 'reveal', added.id], { CLAUDETOOLS_HOME: laptop });
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toContain('requires a reason: pass --reason');
    expect(run(['cred', 'reveal', 'Acme firewall', '--reason', 'e2e', '--field', 'password'])).toBe('PLANTED-cli-password\n');
    expect(run(['cred', 'totp', added.id, '--reason', 'e2e'])).toMatch(/^\d{6} {2}\(valid \d+s more\)\n$/);
    expect(await server.stop()).toBe(0);
    server = undefined;

    const serverEnv = serverHome;
    expect(JSON.parse(run(['vault', 'status', '--json'], undefined, serverEnv)).keys).toMatchObject([{ scope: 'global', version: 1, status: 'active', credentials: 1 }]);
    expect(run(['vault', 'rotate'], undefined, serverEnv)).toContain('1 credentials re-encrypted');
    expect(run(['vault', 'rotate-master'], undefined, serverEnv)).toContain('Re-wrapped 2 data keys');
    expect(existsSync(join(serverHome, 'keys', 'master.key.next'))).toBe(false);
    const status = JSON.parse(run(['vault', 'status', '--json'], undefined, serverEnv));
    expect(status.keys.map((k: { version: number; status: string; credentials: number }) => [k.version, k.status, k.credentials])).toEqual([[1, 'retired', 0], [2, 'active', 1]]);
    expect(run(['audit', 'verify'], undefined, serverEnv)).toContain('Audit chain intact');
    // A reveal's reason rewritten in SQL: verify exits 1 naming the chain and the row.
    const file = new SQLite(join(serverHome, 'claudetools.db'));
    const reveal = file.prepare("SELECT id, seq, reason FROM credential_audit_logs WHERE action = 'reveal'").get() as { id: string; seq: number; reason: string };
    file.prepare('UPDATE credential_audit_logs SET reason = ? WHERE id = ?').run('nothing happened', reveal.id);
    const broken = cli(['audit', 'verify'], { CLAUDETOOLS_HOME: serverHome });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`credential_audit_logs: row seq ${reveal.seq} (${reveal.id}) was altered`);
    file.prepare('UPDATE credential_audit_logs SET reason = ? WHERE id = ?').run(reveal.reason, reveal.id);
    file.close();
    expect(run(['audit', 'verify'], undefined, serverEnv)).toContain('Audit chain intact');

    server = await startServer({ CLAUDETOOLS_HOME: serverHome, ...admin });
    // The restarted server listens on a new port; the saved API key still works.
    expect(run(['cred', 'reveal', added.id, '--reason', 'after rotation', '--field', 'password'], undefined, laptop, { CLAUDETOOLS_SERVER: server.url })).toBe('PLANTED-cli-password\n');
  }, 120_000);
});
