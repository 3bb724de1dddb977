import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startServer, tempHome } from './helpers.js';

describe('claudetools CLI daily flows over HTTP', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const home = tempHome(); // the laptop: its own data directory, only the CLI's config
  const env = () => ({ CLAUDETOOLS_HOME: home });
  const json = (args: string[]) => {
    const r = cli([...args, '--json'], env());
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    server = await startServer({ CLAUDETOOLS_HOME: tempHome(), CLAUDETOOLS_ADMIN_EMAIL: 'ops@example.test', CLAUDETOOLS_ADMIN_PASSWORD: 'an admin password here' });
  });
  afterAll(async () => { await server.stop(); });

  it('refuses to work before login, then logs in keeping only an API key', () => {
    const before = cli(['client', 'list'], env());
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('Not logged in');
    const wrong = cli(['login', '--server', server.url, '--email', 'ops@example.test', '--password-stdin'], env(), 'not the password\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('401');
    const ok = cli(['login', '--server', server.url, '--email', 'ops@example.test', '--password-stdin'], env(), 'an admin password here\n');
    expect(ok.code, ok.stderr).toBe(0);
    expect(statSync(join(home, 'config.json')).mode & 0o777).toBe(0o600);
  });

  it('adds and shows clients and projects, logs time and summarizes it, and completes tasks', () => {
    const client = json(['client', 'add', '--name', 'Acme GmbH', '--code', 'ACME', '--rate', '120']);
    expect(client).toMatchObject({ short_code: 'ACME', default_hourly_rate: 120 });
    expect(json(['client', 'list']).map((c: { short_code: string }) => c.short_code)).toEqual(['ACME']);
    const project = json(['project', 'add', '--name', 'Portal', '--slug', 'acme-portal', '--client', 'ACME']);
    expect(project.client_id).toBe(client.id);
    const shown = json(['client', 'show', 'ACME']);
    expect(shown.projects.map((p: { slug: string }) => p.slug)).toEqual(['acme-portal']);

    const task = json(['task', 'add', '--title', 'Renew certificate', '--project', 'acme-portal']);
    expect(json(['task', 'list', '--project', 'acme-portal', '--status', 'pending']).map((t: { id: string }) => t.id)).toEqual([task.id]);
    expect(json(['task', 'done', task.id]).status).toBe('completed');

    const entry = json(['time', 'log', '--client', 'ACME', '--project', 'acme-portal', '--start', '2026-05-04T09:00:00Z', '--minutes', '90', '--desc', 'Renewed cert']);
    expect(entry).toMatchObject({ duration_minutes: 90, amount: 180 });
    const summary = json(['time', 'summary', '--client', 'ACME', '--group-by', 'project']);
    expect(summary.totals).toMatchObject({ entries: 1, hours: 1.5, amount: 180 });
    const table = cli(['time', 'summary', '--client', 'ACME'], env());
    expect(table.stdout).toContain('Acme GmbH');
  });

  it('prints the server\'s field errors on one line', () => {
    const r = cli(['client', 'add', '--name', 'Acme GmbH', '--code', 'ACME'], env());
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('409');
    const unknown = cli(['project', 'list', '--client', 'NOPE'], env());
    expect(unknown.stderr).toContain('No client with short_code NOPE');
  });
});
