import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempHome } from './helpers.js';

describe('claudetools CLI (server administration)', () => {
  it('manages users: create, list, disable, enable, reset-password', () => {
    const env = { CLAUDETOOLS_HOME: tempHome() };
    const created = cli(['user', 'create', '--email', 'Tech@Example.test', '--role', 'technician', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const user = JSON.parse(created.stdout);
    expect(user).toMatchObject({ email: 'tech@example.test', role: 'technician', is_active: true });
    expect(user.password).toHaveLength(24);

    const viaStdin = cli(['user', 'create', '--email', 'admin@example.test', '--role', 'admin', '--password-stdin'], env, 'stdin password here\n');
    expect(viaStdin.code, viaStdin.stderr).toBe(0);
    expect(viaStdin.stdout).not.toContain('stdin password here');

    const list = cli(['user', 'list', '--json'], env);
    expect(JSON.parse(list.stdout).map((u: { email: string }) => u.email).sort()).toEqual(['admin@example.test', 'tech@example.test']);

    expect(cli(['user', 'disable', 'tech@example.test'], env).code).toBe(0);
    expect(JSON.parse(cli(['user', 'list', '--json'], env).stdout).find((u: { email: string }) => u.email === 'tech@example.test').is_active).toBe(false);
    expect(cli(['user', 'enable', 'tech@example.test'], env).code).toBe(0);

    const reset = cli(['user', 'reset-password', 'tech@example.test'], env);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/New password \(shown once\): \S{24}/);

    const weak = cli(['user', 'reset-password', 'tech@example.test', '--password', 'short'], env);
    expect(weak.code).toBe(1);
    expect(weak.stderr.trim().split('\n')).toHaveLength(1);
    expect(weak.stderr).toContain('password: The password must be at least 12 characters');

    const missing = cli(['user', 'disable', 'nobody@example.test'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No user with email nobody@example.test');
  });

  it('migrates and reports migration status', () => {
    const env = { CLAUDETOOLS_HOME: tempHome() };
    const before = JSON.parse(cli(['db', 'status', '--json'], env).stdout);
    expect(before.migrations.every((m: { applied_at: string | null }) => m.applied_at === null)).toBe(true);
    const migrate = cli(['db', 'migrate'], env);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('0001_users');
    expect(cli(['db', 'migrate'], env).stdout).toContain('Already up to date');
    const after = JSON.parse(cli(['db', 'status', '--json'], env).stdout);
    expect(after.dialect).toBe('sqlite');
    expect(after.migrations.every((m: { applied_at: string | null }) => m.applied_at)).toBe(true);
  });

  it('verifies the audit chain and names a tampered row', () => {
    const home = tempHome();
    const env = { CLAUDETOOLS_HOME: home };
    cli(['user', 'create', '--email', 'a@example.test'], env);
    cli(['user', 'create', '--email', 'b@example.test'], env);
    const ok = cli(['audit', 'verify'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Audit chain intact: 2 rows verified');

    const db = new Database(join(home, 'claudetools.db'));
    db.prepare("UPDATE audit_logs SET entity_id = 'forged' WHERE seq = 1").run();
    db.close();
    const broken = cli(['audit', 'verify', '--json'], env);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).first_problem).toMatchObject({ seq: 1, problem: 'altered' });
  });

  it('prints one line and exits non-zero on a bad setting or unknown command', () => {
    const bad = cli(['user', 'list'], { CLAUDETOOLS_HOME: tempHome(), DATABASE_URL: 'nope://x' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('DATABASE_URL');
    expect(cli(['frobnicate'], { CLAUDETOOLS_HOME: tempHome() }).code).not.toBe(0);
  });
});
