import { describe, expect, it } from 'vitest';
import { extractTags, TAG_VOCABULARY, type TagEntry } from '../../src/memory/tags.js';

describe('TAG_VOCABULARY', () => {
  it('has at least 40 unique, normalized entries covering every required area', () => {
    const tags = TAG_VOCABULARY.map((e) => e.tag);
    expect(tags.length).toBeGreaterThanOrEqual(40);
    expect(new Set(tags).size).toBe(tags.length);
    for (const tag of tags) expect(tag).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(tags).toEqual(expect.arrayContaining([
      'typescript', 'python', 'go', 'rust', 'csharp', 'powershell', 'bash',
      'react', 'fastify', 'django', 'dotnet',
      'postgresql', 'mysql', 'mariadb', 'sqlite', 'redis', 'mongodb', 'mssql',
      'aws', 'azure', 'gcp', 'm365', 'entra-id',
      'windows', 'linux', 'macos', 'debian', 'ubuntu',
      'dns', 'dhcp', 'vpn', 'vlan', 'firewall', 'tls', 'wifi',
      'mfa', 'backup', 'antivirus', 'edr', 'phishing',
      'ticket', 'onboarding', 'offboarding', 'patching', 'printer', 'exchange', 'sharepoint', 'intune', 'active-directory',
      'kubernetes', 'docker', 'error',
    ]));
    const categories = new Set(TAG_VOCABULARY.map((e) => e.category));
    expect([...categories].sort()).toEqual(['cloud', 'database', 'framework', 'language', 'msp', 'networking', 'os', 'security', 'signal', 'tool']);
  });

  it('tags every alias and every extension with its own entry', () => {
    for (const entry of TAG_VOCABULARY) {
      for (const alias of entry.aliases) expect(extractTags(`see ${alias} here`, { max: 50 }), alias).toContain(entry.tag);
      for (const ext of entry.extensions ?? []) expect(extractTags(`edited src/file.${ext} today`, { max: 50 }), ext).toContain(entry.tag);
    }
  });
});

describe('extractTags', () => {
  it.each([
    ['restore it with pg_dump and psql against postgres', ['postgresql']],
    ['the k8s cluster, kubectl rollout restart', ['kubernetes']],
    ['MariaDB 11 with Galera', ['mariadb']],
    ['migrating mailboxes to Office 365', ['email', 'm365']],
    ['O365 and Microsoft 365 licences', ['m365', 'licensing']],
    ['sync the user to Azure AD', ['entra-id']],
    ['reset her AD password', ['active-directory', 'password']],
    ['Get-ADUser jdoe -Properties *', ['powershell', 'active-directory']],
    ['Wi-Fi keeps dropping on the guest SSID', ['wifi']],
    ['renew the SSL certificate with certbot', ['tls']],
    ['enforce 2FA with an authenticator app', ['mfa']],
    ['Veeam backups failed overnight', ['backup']],
    ['CrowdStrike flagged a phishing attachment', ['edr', 'phishing']],
    ['SQL Server 2019 on Windows Server 2022', ['mssql', 'windows']],
    ['ran docker compose up, then npm test', ['docker', 'nodejs']],
    ['C# service on .NET 8 with EF Core', ['dotnet', 'csharp']],
    ['connection failed: ECONNREFUSED', ['error', 'econnrefused']],
    ['TypeError: cannot read properties of undefined', ['error']],
    ['Windows Update failed with 0x80070005', ['patching', 'error', '0x80070005']],
    ['error TS2307 in the build', ['error', 'ts2307']],
    ['Ticket #4521 is about the printer', ['ticket', '#4521', 'printer']],
    ['see INC0012345 and T20240115.0042', ['ticket', 'inc0012345', 't20240115.0042']],
    ['patch CVE-2024-3094 on the Debian hosts', ['security', 'cve-2024-3094', 'debian']],
  ])('%s', (text, expected) => {
    expect(extractTags(text)).toEqual(expected);
  });

  it('maps file extensions in paths to languages', () => {
    expect(extractTags('edited src/app.ts')).toEqual(['typescript']);
    expect(extractTags('cmd/server/main.go and internal/db.go')).toEqual(['go']);
    expect(extractTags('scripts/Reset-Spooler.ps1')).toEqual(['printer', 'powershell']);
    expect(extractTags('deploy.sh calls manage.py')).toEqual(['bash', 'python']);
    expect(extractTags('Program.cs in Api.csproj')).toEqual(['csharp', 'dotnet']);
    expect(extractTags('src/lib.rs')).toEqual(['rust']);
    expect(extractTags('all the *.tsx files')).toEqual(['typescript']);
  });

  // Rule: ambiguous English words only tag in technical casing and/or with a technical neighbour.
  it.each([
    "I'd add it to the list later.",
    "Let's go to the store after lunch.",
    'Go ahead and restart it when you are ready.',
    'How did they react to the news?',
    'The ad was funny and we laughed.',
    'Could you exchange the gift card?',
    'Close the windows before you leave.',
    'There is rust on the garden gate.',
    'He said it in jest, over dinner.',
    'She loves poetry and good coffee.',
    'In 1066 AD the battle took place.',
    'The angular shape of the roof.',
    'We set a record for the longest meeting.',
  ])('no false positive on ordinary English: %s', (text) => {
    expect(extractTags(text)).toEqual([]);
  });

  it('tags Go only in code context', () => {
    expect(extractTags('We rewrote the worker in Go.')).toEqual(['go']);
    expect(extractTags('Run `go test ./...` first.')).toEqual(['go']);
    expect(extractTags('then go mod tidy')).toEqual(['go']);
    expect(extractTags('bump go.mod to 1.22')).toEqual(['go']);
    expect(extractTags('the Go service leaks goroutines')).toEqual(['go']);
    expect(extractTags('we should go test that idea')).toEqual([]);
  });

  it('prefers the longest match over the words inside it', () => {
    expect(extractTags('Azure AD')).toEqual(['entra-id']);
    expect(extractTags('SQL Server')).toEqual(['mssql']);
    expect(extractTags('shared mailbox')).toEqual(['exchange']);
    expect(extractTags('Azure and AD user accounts')).toEqual(['azure', 'active-directory']);
  });

  it('orders by frequency, then first occurrence, and caps at max (default 12)', () => {
    const text = 'Redis is slow. Postgres is fine. Postgres again, and postgres once more. Docker too. Redis.';
    expect(extractTags(text)).toEqual(['postgresql', 'redis', 'docker']);
    expect(extractTags(text, { max: 2 })).toEqual(['postgresql', 'redis']);
    expect(extractTags(text, { max: 0 })).toEqual([]);
    const many = 'typescript python rust java php redis mongodb sqlite aws azure gcp dns dhcp vpn vlan wifi';
    expect(extractTags(many)).toEqual(['typescript', 'python', 'java', 'php', 'redis', 'mongodb', 'sqlite', 'aws', 'azure', 'gcp', 'dns', 'dhcp']);
    expect(extractTags(many, { max: 100 })).toHaveLength(15); // bare "rust" is not the language
  });

  it('counts plurals and is case-insensitive for plain aliases', () => {
    expect(extractTags('Two PRINTERS and three Printers, one firewall, several VLANs')).toEqual(['printer', 'firewall', 'vlan']);
  });

  it('is deterministic', () => {
    const text = 'Fixed src/db/client.ts: ECONNREFUSED from MongoDB; we use PostgreSQL now, ticket #88123, VPN and M365 too.';
    expect(extractTags(text)).toEqual(extractTags(text));
    expect(extractTags(text)).toEqual(['typescript', 'error', 'econnrefused', 'mongodb', 'postgresql', 'ticket', '#88123', 'vpn', 'm365']);
  });

  it('takes an extended vocabulary', () => {
    const vocabulary: readonly TagEntry[] = [...TAG_VOCABULARY, { tag: 'acme-erp', category: 'msp', aliases: ['acme erp', 'acmeerp'] }];
    expect(extractTags('AcmeERP sync fails on the SQL Server', { vocabulary })).toEqual(['acme-erp', 'mssql']);
    expect(extractTags('AcmeERP sync fails')).toEqual([]);
  });

  it('returns nothing for empty text', () => {
    expect(extractTags('')).toEqual([]);
  });
});
