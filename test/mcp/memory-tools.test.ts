import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens } from '../../src/memory/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';
import { describeEachDialect } from '../support/dialects.js';
import { seedParents, type Parents } from '../support/msp.js';
import { callerContext, connectClient, idsIn, twoClients, type McpTestClient } from './support.js';

const READ_ONLY = ['recall', 'search_memory', 'get_memory', 'list_recent', 'get_project_state', 'list_projects', 'list_tasks', 'client_overview', 'search_infrastructure', 'list_clients', 'find_credential'];

describeEachDialect('MCP memory tools', (t) => {
  let a: Parents, b: Parents, slugA: string, slugB: string;
  let admin: McpTestClient, tech: McpTestClient, viewer: McpTestClient;
  const storedId = (text: string) => /(?:snippet|decision) ([0-9a-f-]{36})/.exec(text)![1]!;

  let fixture: Awaited<ReturnType<typeof twoClients>>;

  beforeAll(async () => {
    fixture = await twoClients(t());
    ({ a, b, slugA, slugB, admin, tech, viewer } = fixture);
  });
  afterAll(() => fixture?.close());

  it('annotates every tool: reads are read-only, forget alone is destructive', async () => {
    const { tools } = await admin.client.listTools();
    for (const tool of tools) {
      expect(tool.description!.length, tool.name).toBeGreaterThan(40);
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(READ_ONLY.includes(tool.name));
      expect(tool.annotations?.destructiveHint, tool.name).toBe(tool.name === 'forget');
      expect(tool.inputSchema.additionalProperties, tool.name).toBe(false);
    }
  });

  it('remembers a fact in a project by slug, redacting secrets, and gives it back by id', async () => {
    const answer = await tech.ok('remember', {
      text: 'The Fabrikam NAS admin page is on port 5001; API token ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8', project: slugA, tags: ['NAS', 'storage'], category: 'config',
    });
    expect(answer).toMatch(/^Stored snippet [0-9a-f-]{36} \(\d+ tokens, tags: nas, storage\)\. Secrets or <private> parts were removed before storage\.$/);
    const { items } = await tech.json('get_memory', { ids: [storedId(answer)] });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'snippet', id: storedId(answer), project_id: a.project_id, client_id: a.client_id, category: 'config', tags: ['nas', 'storage'] });
    expect(items[0].dense_content).toContain('port 5001');
    expect(items[0].dense_content).not.toContain('ghp_a1B2c3D4');
  });

  it('stores decisions through remember and log_decision', async () => {
    const short = storedId(await tech.ok('remember', { text: 'We decided to back up the Fabrikam NAS to Backblaze B2.', kind: 'decision', project: a.project_id }));
    const full = storedId(await tech.ok('log_decision', {
      decision_text: 'Use WireGuard for the Fabrikam branch tunnel', rationale: 'Faster to roll out than OpenVPN', alternatives_considered: 'OpenVPN, IPsec',
      impact: 'high', decision_type: 'architecture', project: slugA, tags: ['vpn'],
    }));
    const { items } = await tech.json('get_memory', { ids: [short, full] });
    expect(items.map((i: any) => [i.kind, i.project_id])).toEqual([['decision', a.project_id], ['decision', a.project_id]]);
    expect(items[1]).toMatchObject({ decision_text: 'Use WireGuard for the Fabrikam branch tunnel', rationale: 'Faster to roll out than OpenVPN', impact: 'high', decision_type: 'architecture', tags: ['vpn'] });
  });

  it('recalls within the scope and budget, with the ids of what it shows', async () => {
    const answer = await tech.ok('recall', { query: 'which tunnel for the Fabrikam branch?', project: slugA, token_budget: 300 });
    expect(answer).toMatch(/^## Memories from earlier sessions/);
    expect(answer).toContain('Use WireGuard for the Fabrikam branch tunnel');
    const [memories, ids] = answer.split('\n\nIds, in the order above: ');
    expect(countTokens(memories!)).toBeLessThanOrEqual(300);
    expect(idsIn(ids!).length).toBe(memories!.split('\n').filter((l) => l.startsWith('- ')).length);
    expect(await tech.ok('recall', { query: 'zyxwvut quetzalcoatl', project: slugA })).toBe('No memories match this query in this scope.');
  });

  it('counts the ids in the budget, and returns at most 50 memories', async () => {
    const project = await t().services.projects.create({ actor: null }, { name: 'Patching', slug: `patching-${a.client_id.slice(-6)}`, client_id: a.client_id });
    // Distinct enough that recall's near-duplicate filter keeps them all.
    const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basalt cobalt dune ember fjord granite harbor iris jasper kelp lagoon marble nickel onyx pepper quartz russet saffron topaz umber velvet willow xenon yarrow zinc'.split(' ');
    for (let n = 0; n < 55; n++) {
      const own = [0, 1, 2, 3, 4, 5].map((k) => `${words[(n * 7 + k * 11) % words.length]}${n}`).join(' ');
      await t().services.context.contextSnippets.create({ actor: null }, { dense_content: `Contoso rack patch panel note ${n}: ${own}`, project_id: project.id });
    }
    for (const token_budget of [1500, 8000]) {
      const answer = await tech.ok('recall', { query: 'patch panel port contoso rack desk', project: project.id, limit: 50, token_budget });
      expect(countTokens(answer), String(token_budget)).toBeLessThanOrEqual(token_budget);
      expect(answer).not.toMatch(/cut at|offset/);
      const [memories, ids] = answer.split('\n\nIds, in the order above: ');
      const bullets = memories!.split('\n').filter((l) => l.startsWith('- '));
      expect(idsIn(ids!)).toHaveLength(bullets.length);
      expect(bullets.length).toBeGreaterThan(5);
      expect(bullets.length).toBeLessThanOrEqual(50);
    }
    expect((await tech.call('recall', { query: 'x', limit: 51 })).text).toMatch(/Invalid arguments for tool recall.*limit/s);
  });

  it('refuses bad arguments with a message naming the field', async () => {
    for (const [tool, args, field] of [
      ['recall', { query: '' }, 'query'], ['recall', { query: 'x', token_budget: 9000 }, 'token_budget'], ['recall', { query: 'x', colour: 'red' }, 'colour'],
      ['remember', { text: 'x', tags: 'nas' }, 'tags'], ['get_memory', { ids: [] }, 'ids'], ['forget', { id: 'nope' }, 'id'],
      ['log_decision', { decision_text: 'x', impact: 'huge' }, 'impact'], ['search_memory', { query: 'x', limit: 51 }, 'limit'],
    ] as const) {
      const answer = await tech.call(tool, args);
      expect(answer.isError, tool).toBe(true);
      expect(answer.text, tool).toMatch(new RegExp(`Invalid arguments for tool ${tool}.*${field}`, 's'));
    }
    const empty = await tech.call('remember', { text: '<private>only private</private>' });
    expect(empty).toEqual({ isError: true, text: expect.stringMatching(/dense_content: must not be empty.*\[validation_failed\]$/) });
  });

  it("keeps another client's memories invisible to a scoped technician", async () => {
    const hidden = storedId(await admin.ok('remember', { text: 'The Northwind firewall admin password rotates monthly', project: slugB }));
    expect(await admin.ok('recall', { query: 'Northwind firewall rotates' })).toContain(hidden);
    expect(await tech.ok('recall', { query: 'Northwind firewall rotates' })).not.toContain(hidden);
    expect(await tech.ok('search_memory', { query: 'Northwind firewall rotates' })).not.toContain(hidden);
    expect(await tech.ok('list_recent', { limit: 50 })).not.toContain(hidden);
    expect(await tech.call('get_memory', { ids: [hidden] })).toEqual({ isError: true, text: `memory ${hidden} was not found [not_found]` });
    expect(await tech.call('forget', { id: hidden })).toEqual({ isError: true, text: `memory ${hidden} was not found [not_found]` });
    expect(await tech.call('recall', { query: 'firewall', project: slugB })).toEqual({ isError: true, text: `project ${slugB} was not found [not_found]` });
    expect(await tech.call('remember', { text: 'sneaky', project: b.project_id })).toMatchObject({ isError: true, text: expect.stringContaining('[not_found]') });
    expect((await admin.json('get_memory', { ids: [hidden] })).items[0].id).toBe(hidden);
  });

  it('indexes search results best first, one line each, paging with offset', async () => {
    const project = await t().services.projects.create({ actor: null }, { name: 'Paging', slug: `paging-${a.client_id.slice(-6)}`, client_id: a.client_id });
    const ids = [];
    for (const n of [1, 2, 3, 4, 5]) ids.push(storedId(await tech.ok('remember', { text: `Printer ${n} on floor ${n} uses toner cartridge TN-${n}00`, project: project.id })));
    const first = await tech.ok('search_memory', { query: 'printer toner cartridge', project: project.id, limit: 2 });
    expect(first.split('\n')[0]).toBe('Memories matching "printer toner cartridge" (kind id · date · text):');
    expect(first.split('\n').filter((l) => l.startsWith('- snippet '))).toHaveLength(2);
    expect(first).toMatch(/Showing 1-2; for more, call again with offset=2\.$/);
    const rest = await tech.ok('search_memory', { query: 'printer toner cartridge', project: project.id, limit: 10, offset: 2 });
    expect(rest).toMatch(/Showing 3-5\.$/);
    expect(new Set([...idsIn(first), ...idsIn(rest)])).toEqual(new Set(ids));
    expect(await tech.ok('search_memory', { query: 'zyxwvut quetzalcoatl', project: project.id })).toBe('No memories match this query in this scope.');
  });

  it('lists recent memories newest first across kinds, filtered by kind, paged', async () => {
    const project = await t().services.projects.create({ actor: null }, { name: 'Recent', slug: `recent-${a.client_id.slice(-6)}`, client_id: a.client_id });
    expect(await tech.ok('list_recent', { project: project.slug })).toBe('No memories stored in this scope yet.');
    const fact = storedId(await tech.ok('remember', { text: 'The Recent office switch is a Cisco SG350', project: project.slug }));
    const decision = storedId(await tech.ok('log_decision', { decision_text: 'Replace the Recent office switch next year', project: project.slug }));
    const all = await tech.ok('list_recent', { project: project.slug });
    expect(idsIn(all)).toEqual([decision, fact]);
    expect(all).toMatch(/^Recent memories, newest first.*\n- decision .*Replace the Recent office switch next year\n- snippet .*Cisco SG350\nShowing 1-2 of 2\.$/s);
    expect(idsIn(await tech.ok('list_recent', { project: project.slug, kinds: ['snippet'] }))).toEqual([fact]);
    const page = await tech.ok('list_recent', { project: project.slug, limit: 1, offset: 1 });
    expect(idsIn(page)).toEqual([fact]);
    expect(page).toMatch(/Showing 2-2 of 2\.$/);
  });

  it('forgets a memory for good; a viewer may not', async () => {
    const answer = await tech.ok('remember', { text: 'Temporary: the Fabrikam printer is in room 12' });
    expect(answer).toMatch(/^Stored snippet [0-9a-f-]{36} \(\d+ tokens, tags: printer\)\.$/);
    const id = storedId(answer);
    expect(await viewer.call('forget', { id })).toEqual({ isError: true, text: 'You are not allowed to do this [forbidden]' });
    expect(await tech.ok('forget', { id })).toBe(`Forgot snippet ${id}: Temporary: the Fabrikam printer is in room 12`);
    expect(await tech.call('get_memory', { ids: [id] })).toEqual({ isError: true, text: `memory ${id} was not found [not_found]` });
    expect(await viewer.call('remember', { text: 'x' })).toEqual({ isError: true, text: 'You are not allowed to do this [forbidden]' });
  });

  it('keeps a huge memory under 10,000 tokens when showing it', async () => {
    // Just under the 100,000 characters a snippet holds: about 27,000 tokens.
    const text = Array.from({ length: 2300 }, (_, i) => `line ${i} of the long runbook for host${i}`).join('\n');
    expect(countTokens(text)).toBeGreaterThan(20_000);
    const id = storedId(await tech.ok('remember', { text, project: slugA }));
    const shown = await tech.ok('get_memory', { ids: [id] });
    expect(countTokens(shown)).toBeLessThan(10_000);
    expect(shown).toContain('[truncated: too long for one answer]');
    expect(JSON.parse(shown).items[0]).toMatchObject({ id, kind: 'snippet', project_id: a.project_id });
    expect(countTokens(await tech.ok('recall', { query: 'long runbook host', project: slugA, token_budget: 8000 }))).toBeLessThan(10_000);
  });
});

describe('list_recent past its paging window', () => {
  let t: TestApp, tech: McpTestClient, projectId: string;
  beforeAll(async () => {
    t = await createTestApp(DIALECTS[0]!);
    const parents = await seedParents(t);
    projectId = parents.project_id;
    for (let n = 0; n < 510; n++) await t.services.context.contextSnippets.create({ actor: null }, { dense_content: `Recent fact number ${n}`, project_id: projectId });
    tech = await connectClient(t, await callerContext(t, 'technician', { client_scope: [parents.client_id] }));
  }, 120_000);
  afterAll(async () => { await tech?.close(); await t?.close(); });

  it('pages through the newest 500 without gaps, then points to narrower lists instead of offering offsets', async () => {
    const seen: string[] = [];
    let offset = 0;
    for (;;) {
      const page = await tech.ok('list_recent', { project: projectId, limit: 50, offset });
      seen.push(...idsIn(page));
      const next = /offset=(\d+)\.$/.exec(page);
      if (!next) {
        expect(page).toMatch(/Showing 451-500 of 510; only the newest 500 are listed here: narrow with project, client or kinds, or find older ones with search_memory\.$/);
        break;
      }
      offset = Number(next[1]);
    }
    expect(seen).toHaveLength(500);
    expect(new Set(seen).size).toBe(500);
    const newest = await t.services.context.contextSnippets.list({ actor: null }, { project_id: projectId, sort: '-created_at', limit: 500, offset: 0 });
    expect(seen).toEqual(newest.items.map((r) => r.id));
    expect(idsIn(await tech.ok('list_recent', { project: projectId, limit: 50, offset: 480 }))).toEqual(seen.slice(480, 500));
    expect((await tech.call('list_recent', { project: projectId, offset: 500 })).text).toMatch(/Invalid arguments for tool list_recent.*offset/s);
    expect((await tech.call('search_memory', { query: 'recent fact', project: projectId, offset: 500 })).text).toMatch(/Invalid arguments for tool search_memory.*offset/s);
  });
});
