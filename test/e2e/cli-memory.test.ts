import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startServer, tempHome } from './helpers.js';

describe('claudetools remember and recall over HTTP', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let projectId: string;
  const home = tempHome();
  const env = () => ({ CLAUDETOOLS_HOME: home });
  const ok = (args: string[], input?: string) => {
    const r = cli(args, env(), input);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  const json = (args: string[], input?: string) => JSON.parse(ok([...args, '--json'], input).stdout);

  beforeAll(async () => {
    server = await startServer({ CLAUDETOOLS_HOME: tempHome(), CLAUDETOOLS_ADMIN_EMAIL: 'ops@example.test', CLAUDETOOLS_ADMIN_PASSWORD: 'an admin password here' });
    ok(['login', '--server', server.url, '--email', 'ops@example.test', '--password-stdin'], 'an admin password here\n');
    json(['client', 'add', '--name', 'Acme GmbH', '--code', 'ACME']);
    projectId = json(['project', 'add', '--name', 'Portal', '--slug', 'acme-portal', '--client', 'ACME']).id;
  });
  afterAll(async () => { await server.stop(); });

  it('remembers a fact by project slug, ingests a conversation, and recalls both by slug', async () => {
    const fact = ok(['remember', 'The Acme firewall admin page listens on port 8443 behind the Fortigate.', '--project', 'acme-portal', '--tags', 'firewall,Network', '--title', 'Firewall admin']);
    const id = fact.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const stored = json(['remember', 'Acme printers are leased from Konica until 2027.', '--project', projectId, '--client', 'ACME', '--category', 'lesson', '--pin']);
    expect(stored).toMatchObject({ project_id: projectId, category: 'lesson', pinned: true });

    const { api_key } = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    const res = await fetch(`${server.url}/api/memory/ingest`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${api_key}` },
      body: JSON.stringify({
        project_id: projectId, session: { external_id: 'cli-e2e-1' },
        turns: [
          { ref: 't1', role: 'user', text: 'The firewall backup to the Synology NAS fails with ECONNREFUSED on port 5001.' },
          { ref: 't2', role: 'assistant', text: 'The firewall blocks 5001 since the firmware upgrade; I added an allow rule for the Synology backup.' },
        ],
      }),
    });
    expect(res.status).toBe(201);

    const r = ok(['recall', 'firewall port', '--project', 'acme-portal']);
    expect(r.stdout).toContain('port 8443 behind the Fortigate');
    expect(r.stdout).toContain('Synology');
    expect(r.stderr).toMatch(/\d+ memories, \d+ tokens\n$/);
    expect(r.stdout).not.toMatch(/memories, \d+ tokens/);

    const tagged = json(['recall', 'firewall port', '--project', 'acme-portal', '--tags', 'NETWORK']);
    expect(tagged.items.map((i: { id: string }) => i.id)).toEqual([id]);

    const explained = ok(['recall', 'firewall port', '--project', 'acme-portal', '--explain']);
    expect(explained.stdout).toMatch(/^score\s+kind\s+tokens\s+text\s+bm25/);
    expect(explained.stdout).toContain('The Acme firewall admin page listens on port 8443');
  });

  it('prints the raw answer with --json and keeps it within --budget', () => {
    const full = json(['recall', 'firewall Synology port', '--project', 'acme-portal']);
    expect(full.items.length).toBeGreaterThanOrEqual(2);
    const budget = 60;
    const small = json(['recall', 'firewall Synology port', '--project', 'acme-portal', '--budget', String(budget), '--explain']);
    expect(small.tokens).toBeGreaterThan(0);
    expect(small.tokens).toBeLessThanOrEqual(budget);
    expect(small.items.length).toBeLessThan(full.items.length);
    expect(small.items[0].explain).toHaveProperty('bm25');
  });

  it('fails clearly on an unknown slug, a bad --budget and a server validation error', () => {
    const unknown = cli(['recall', 'firewall', '--project', 'no-such-project'], env());
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No project with slug no-such-project');
    const unknownClient = cli(['remember', 'x', '--client', 'NOPE'], env());
    expect(unknownClient.code).not.toBe(0);
    expect(unknownClient.stderr).toContain('No client with short_code NOPE');
    for (const bad of ['0', '-5', 'ten', '1.5']) {
      const r = cli(['recall', 'firewall', `--budget=${bad}`], env());
      expect(r.code, bad).not.toBe(0);
      expect(r.stderr).toContain('--budget must be a positive integer');
    }
    const tooSmall = cli(['recall', 'firewall', '--budget', '10'], env());
    expect(tooSmall.code).toBe(1);
    expect(tooSmall.stderr.trim().split('\n')).toHaveLength(1);
    expect(tooSmall.stderr).toMatch(/400 .*token_budget/);
  });

  it('reads the text from stdin for "remember -"', () => {
    const id = ok(['remember', '-', '--project', 'acme-portal', '--tags', 'dns'], 'The Acme DNS zone is hosted at Hetzner;\nTTL is 300 seconds.\n').stdout.trim();
    const answer = json(['recall', 'Hetzner DNS zone', '--project', 'acme-portal']);
    expect(answer.items[0]).toMatchObject({ id, tags: ['dns'] });
    expect(answer.text).toContain('hosted at Hetzner');
    const empty = cli(['remember', '-'], env(), '  \n');
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain('Nothing to remember');
  });

  it('never gives back a secret it was told to remember', () => {
    const r = ok(['remember', 'The Acme VPN concentrator login is admin password=Hunter2Hunter2! for the Zyxel box.', '--project', 'acme-portal']);
    expect(r.stderr).toContain('removed before storage');
    const text = ok(['recall', 'Zyxel VPN concentrator password', '--project', 'acme-portal']).stdout;
    expect(text).toContain('Zyxel');
    expect(text).not.toContain('Hunter2Hunter2');
    const raw = JSON.stringify(json(['recall', 'Zyxel VPN concentrator password Hunter2Hunter2', '--project', 'acme-portal', '--explain']));
    expect(raw).toContain('Zyxel');
    expect(raw).not.toContain('Hunter2Hunter2');
  });
});
