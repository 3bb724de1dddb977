import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../../src/cli/api-client.js';
import { readLocalFiles } from '../../src/config-sync/local-files.js';
import { pullConfig, pushConfig } from '../../src/config-sync/sync.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';
import { tempDir } from './helpers.js';

const write = (dir: string, path: string, text: string) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};
const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');

/** Two machines (two ~/.claude directories) syncing through a real server, per dialect. */
describe.each(DIALECTS)('sync push / pull [$name]', (dialect) => {
  let t: TestApp;
  let api: ApiClient;
  const laptop = tempDir();
  const desktop = tempDir();
  beforeAll(async () => {
    t = await createTestApp(dialect);
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const key = (await t.app.inject({ method: 'POST', url: '/api/api-keys', payload: { name: 'sync' }, headers: t.adminHeaders })).json().key;
    api = apiClient({ CLAUDETOOLS_SERVER: address, CLAUDETOOLS_API_KEY: key, CLAUDETOOLS_HOME: tempDir() });
    write(laptop, 'CLAUDE.md', '# Rules\nAlways run the tests.\n');
    write(laptop, 'agents/reviewer.md', 'You review code.\n');
    write(laptop, 'commands/deploy.md', 'Deploy with care.\n');
    write(laptop, 'skills/pdf/SKILL.md', 'Read PDFs.\n');
    write(laptop, '.credentials.json', '{"token":"never synced"}');
    write(laptop, 'projects/x/transcript.jsonl', '{"never":"synced"}');
    write(laptop, 'settings.json', '{}');
  });
  afterAll(async () => { await t?.close(); });

  it('push sends only CLAUDE.md, agents/, commands/ and skills/; pull brings them to another machine', async () => {
    expect(Object.keys(readLocalFiles(laptop)).sort()).toEqual(['CLAUDE.md', 'agents/reviewer.md', 'commands/deploy.md', 'skills/pdf/SKILL.md']);
    expect(await pushConfig(api, laptop)).toEqual({ version: 1, files: 4 });
    expect(await pushConfig(api, laptop)).toBeNull(); // nothing changed
    const pulled = await pullConfig(api, desktop);
    expect(pulled!.plan.create).toEqual(['CLAUDE.md', 'agents/reviewer.md', 'commands/deploy.md', 'skills/pdf/SKILL.md']);
    expect(read(desktop, 'skills/pdf/SKILL.md')).toBe('Read PDFs.\n');
    expect(existsSync(join(desktop, '.credentials.json'))).toBe(false);
  });

  it('a change on one machine reaches the other, the replaced file backed up', async () => {
    write(desktop, 'agents/reviewer.md', 'You review code, strictly.\n');
    write(desktop, 'agents/dba.md', 'You tune databases.\n');
    expect((await pushConfig(api, desktop))!.version).toBe(2);
    const pulled = await pullConfig(api, laptop);
    expect(pulled!.plan).toMatchObject({ create: ['agents/dba.md'], update: ['agents/reviewer.md'], remove: [], conflicts: [] });
    expect(read(laptop, 'agents/reviewer.md')).toBe('You review code, strictly.\n');
    expect(read(pulled!.backupDir!, 'agents/reviewer.md')).toBe('You review code.\n');
  });

  it('both sides changed: push refused, pull shows the conflict and overwrites nothing', async () => {
    write(laptop, 'CLAUDE.md', '# Rules\nLaptop edit.\n');
    write(desktop, 'CLAUDE.md', '# Rules\nDesktop edit.\n');
    write(laptop, 'commands/lint.md', 'Lint first.\n');
    expect((await pushConfig(api, desktop))!.version).toBe(3);
    await expect(pushConfig(api, laptop)).rejects.toThrow(/409 the server has version 3 and this push was made from 2: pull first/);
    const pulled = await pullConfig(api, laptop);
    expect(pulled!.plan).toMatchObject({ conflicts: ['CLAUDE.md'], localOnly: ['commands/lint.md'], update: [] });
    expect(read(laptop, 'CLAUDE.md')).toBe('# Rules\nLaptop edit.\n');
    await expect(pushConfig(api, laptop)).rejects.toThrow(/409/); // still unresolved
    const theirs = await pullConfig(api, laptop, { takeTheirs: true });
    expect(read(laptop, 'CLAUDE.md')).toBe('# Rules\nDesktop edit.\n');
    expect(read(theirs!.backupDir!, 'CLAUDE.md')).toBe('# Rules\nLaptop edit.\n');
    expect((await pushConfig(api, laptop))!.version).toBe(4); // lint.md, kept locally, now shared
  });

  it('a planted secret is refused, by the client before sending and by the server', async () => {
    const secret = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
    write(laptop, 'commands/release.md', `Use token ${secret} to publish.\n`);
    await expect(pushConfig(api, laptop)).rejects.toThrow(/refusing to push: commands\/release\.md holds what looks like a secret/);
    const res = await t.app.inject({ method: 'POST', url: '/api/config-sync/versions', headers: t.adminHeaders, payload: { base_version: 4, files: { 'commands/release.md': `token ${secret}` } } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'secret_detected', errors: [{ path: 'files.commands/release.md', code: 'secret_detected' }] });
    expect(res.body).not.toContain(secret);
    const bad = await t.app.inject({ method: 'POST', url: '/api/config-sync/versions', headers: t.adminHeaders, payload: { base_version: 4, files: { '.credentials.json': '{}' } } });
    expect(bad.statusCode).toBe(400);
  });
});

describe('starter agents', () => {
  it('installs coding, code review, database and backup agents, never overwriting one', async () => {
    const { installStarterAgents } = await import('../../src/config-sync/starter-agents.js');
    const dir = tempDir();
    write(dir, 'agents/coding.md', 'mine\n');
    expect(installStarterAgents(dir)).toEqual({ installed: ['agents/backup.md', 'agents/code-review.md', 'agents/database.md'], skipped: ['agents/coding.md'] });
    expect(read(dir, 'agents/coding.md')).toBe('mine\n');
    expect(read(dir, 'agents/database.md')).toMatch(/^---\nname: database\ndescription: /);
  });
});
