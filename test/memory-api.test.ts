import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { countTokens } from '../src/memory/tokens.js';
import { describeEachDialect } from './support/dialects.js';
import { mspBuild } from './support/msp.js';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 9, minute)).toISOString();

/** A short work conversation; each turn has a word no other turn has, so its content is traceable. */
function conversation(prefix = randomUUID().slice(0, 8)) {
  return [
    { ref: `${prefix}:1`, role: 'user', text: 'The nightly backup to the Synology NAS failed again with ECONNREFUSED on port 5001.', at: at(1) },
    { ref: `${prefix}:2`, role: 'assistant', text: 'The NAS firewall blocks 5001 since the firmware upgrade; I added an allow rule for the backup server 10.0.4.20.', at: at(2) },
    { ref: `${prefix}:3`, role: 'user', text: 'Thanks!', at: at(3) },
    { ref: `${prefix}:4`, role: 'assistant', text: 'We decided to use WireGuard instead of OpenVPN for the branch office tunnel because it is faster to roll out.', at: at(4) },
    { ref: `${prefix}:5`, role: 'user', text: 'Printer HP-4050 on the second floor jams on duplex jobs; the tray roller needs replacing.', at: at(5) },
    { ref: `${prefix}:6`, role: 'assistant', text: 'Ordered roller kit CE710-69002 for the HP-4050; the technician visit is booked for Friday.', at: at(6) },
  ];
}

describeEachDialect('memory ingest and recall', (t) => {
  let projectId: string, otherProjectId: string, clientId: string;
  const post = (url: string, payload: unknown, headers = t().adminHeaders) => t().app.inject({ method: 'POST', url, payload: payload as object, headers });
  const count = async (table: string, projectId: string) => Number((await t().db.selectFrom(table as any).select((eb) => eb.fn.countAll().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    const client = (await post('/api/clients', mspBuild.client())).json();
    clientId = client.id;
    projectId = (await post('/api/projects', mspBuild.project({ client_id: clientId } as any))).json().id;
    otherProjectId = (await post('/api/projects', mspBuild.project({ client_id: null } as any))).json().id;
  });

  it('stores every turn with honest source refs, redacted, and answers with what it stored', async () => {
    const turns = conversation();
    turns.push({ ref: 'secret:1', role: 'user', text: 'Deploy with token ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 and <private>the CEO home address</private> tonight', at: at(7) });
    const res = await post('/api/memory/ingest', { project_id: projectId, session: { external_id: randomUUID() }, turns });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.duplicate).toBe(false);
    expect(body.stored.snippets).toBe(turns.length);
    expect(body.tokens_in).toBeGreaterThan(body.stored.snippets);
    const snippets = await t().db.selectFrom('context_snippets' as any).selectAll().where('project_id', '=', projectId).execute() as any[];
    for (const s of snippets) {
      const refs = JSON.parse(s.source_refs) as string[];
      expect(refs).toHaveLength(1);
      const turn = turns.find((x) => x.ref === refs[0])!;
      if (turn.ref === 'secret:1') continue;
      // The item holds its turn's content: its longest word is in it.
      const longest = turn.text.split(/\W+/).sort((a, b) => b.length - a.length)[0]!;
      expect(s.dense_content).toContain(longest);
    }
    const stored = JSON.stringify(snippets);
    expect(stored).not.toContain('a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8');
    expect(stored).not.toContain('CEO home address');
    // The session was started by its external id, and every item of the summary names only real turns.
    expect(body.session_id).toBeTruthy();
    const refs = new Set(turns.map((x) => x.ref));
    for (const item of body.items) for (const ref of item.source_refs) expect(refs.has(ref)).toBe(true);
  });

  it('stores a retried ingest once, even when the retries race', async () => {
    const payload = { project_id: otherProjectId, session: { external_id: randomUUID() }, turns: conversation() };
    const results = await Promise.all(Array.from({ length: 5 }, () => post('/api/memory/ingest', payload)));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    const bodies = results.map((r) => r.json());
    expect(new Set(bodies.map((b) => b.ingest_id)).size).toBe(1);
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
    expect(await count('context_snippets', otherProjectId)).toBe(payload.turns.length);
    const again = (await post('/api/memory/ingest', payload)).json();
    expect(again.duplicate).toBe(true);
    expect(await count('context_snippets', otherProjectId)).toBe(payload.turns.length);
  });

  it('does not store a turn twice when a later batch resends it', async () => {
    const project = (await post('/api/projects', mspBuild.project({ client_id: null } as any))).json().id;
    const turns = conversation();
    await post('/api/memory/ingest', { project_id: project, turns: turns.slice(0, 4) });
    const second = (await post('/api/memory/ingest', { project_id: project, turns, idempotency_key: randomUUID() })).json();
    expect(second.stored.skipped_duplicates).toBe(4);
    expect(await count('context_snippets', project)).toBe(turns.length);
  });

  it('skips a resent turn only in the scope that holds it: the same turn for another project, or global, is stored', async () => {
    const project = (await post('/api/projects', mspBuild.project({ client_id: null } as any))).json().id;
    const turns = conversation();
    const globalFirst = (await post('/api/memory/ingest', { turns: turns.slice(0, 4) })).json();
    expect(globalFirst.stored.skipped_duplicates).toBe(0);
    const globalAgain = (await post('/api/memory/ingest', { turns, idempotency_key: randomUUID() })).json();
    expect(globalAgain.stored).toMatchObject({ snippets: 2, skipped_duplicates: 4 });
    const inProject = (await post('/api/memory/ingest', { project_id: project, turns })).json();
    expect(inProject.stored).toMatchObject({ snippets: turns.length, skipped_duplicates: 0 });
    const projectAgain = (await post('/api/memory/ingest', { project_id: project, turns: turns.slice(2), idempotency_key: randomUUID() })).json();
    expect(projectAgain.stored).toMatchObject({ snippets: 0, skipped_duplicates: 4 });
  });

  it('recalls the relevant memory first, within the budget, with its refs', async () => {
    const res = await post('/api/memory/recall', { query: 'why did the NAS backup fail?', project_id: projectId, explain: true });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items[0].text).toMatch(/NAS/);
    expect(body.items[0].explain.text).toBeGreaterThan(0);
    expect(body.text).toContain(body.items[0].text);
    expect(countTokens(body.text)).toBe(body.tokens);
    const printer = (await post('/api/memory/recall', { query: 'printer roller replacement', project_id: projectId })).json();
    expect(printer.items[0].text).toMatch(/HP-4050/);
    expect(printer.items.slice(0, 2).flatMap((i: any) => i.source_refs).some((r: string) => r.endsWith(':5') || r.endsWith(':6'))).toBe(true);
  });

  it('never exceeds the token budget', async () => {
    for (const budget of [50, 60, 80, 120, 200, 500, 1000]) {
      const body = (await post('/api/memory/recall', { query: 'backup NAS firewall printer roller WireGuard tunnel', project_id: projectId, token_budget: budget, limit: 500 })).json();
      expect(countTokens(body.text)).toBeLessThanOrEqual(budget);
      expect(body.items.reduce((n: number, i: any) => n + countTokens(i.text), 0)).toBeLessThanOrEqual(budget);
      // Each item's own count (taken from the stored row where it can) is its text's.
      for (const item of body.items) expect(item.tokens).toBe(countTokens(item.text));
    }
  });

  it('keeps projects apart and leaves out what happened after as_of', async () => {
    const other = (await post('/api/memory/recall', { query: 'printer roller', project_id: otherProjectId })).json();
    const mine = new Set((await t().db.selectFrom('context_snippets' as any).select('id').where('project_id', '=', projectId).execute()).map((r: any) => r.id));
    expect(other.items.some((i: any) => mine.has(i.id))).toBe(false);
    const before = (await post('/api/memory/recall', { query: 'printer roller HP-4050', project_id: projectId, as_of: at(5.5 as any) })).json();
    expect(before.items.map((i: any) => i.text).join(' ')).not.toContain('CE710-69002');
  });

  it('finds a memory in its new scope after it moves, and as a global one once its project is deleted', async () => {
    const word = `zanzibar${randomUUID().slice(0, 6)}`;
    const temporary = (await post('/api/projects', mspBuild.project({ client_id: null } as any))).json().id;
    const snippet = (await post('/api/context-snippets', { project_id: temporary, category: 'note', title: 'Relay', dense_content: `The ${word} relay needs a reboot weekly` })).json();
    const ids = async (project: string) => (await post('/api/memory/recall', { query: `${word} relay`, project_id: project })).json().items.map((i: any) => i.id);
    expect(await ids(temporary)).toContain(snippet.id);
    expect(await ids(projectId)).not.toContain(snippet.id);

    expect((await t().app.inject({ method: 'PATCH', url: `/api/context-snippets/${snippet.id}`, payload: { project_id: projectId }, headers: t().adminHeaders })).statusCode).toBe(200);
    expect(await ids(projectId)).toContain(snippet.id);
    expect(await ids(temporary)).not.toContain(snippet.id);

    // Back to the temporary project (no client), which is then deleted: the memory becomes global,
    // so every project's recall reaches it.
    await t().app.inject({ method: 'PATCH', url: `/api/context-snippets/${snippet.id}`, payload: { project_id: temporary, client_id: null }, headers: t().adminHeaders });
    expect((await t().app.inject({ method: 'DELETE', url: `/api/projects/${temporary}`, headers: t().adminHeaders })).statusCode).toBe(204);
    expect(await ids(otherProjectId)).toContain(snippet.id);
  });

  it('answers "which database did we choose?" with the decision that names one, though it says neither word', async () => {
    const project = (await post('/api/projects', mspBuild.project({ client_id: null } as any))).json().id;
    await post('/api/context-snippets', { project_id: project, category: 'note', title: 'Printer', dense_content: 'The printer on floor two needs toner every month.' });
    await post('/api/context-snippets', { project_id: project, category: 'note', title: 'DNS', dense_content: 'We moved the DNS zone to Cloudflare last week.' });
    const decision = (await post('/api/decision-logs', { project_id: project, decision_type: 'technical', decision_text: 'We chose Postgres instead of MongoDB for the billing service.' })).json();
    const body = (await post('/api/memory/recall', { query: 'Which database did we choose?', project_id: project, explain: true })).json();
    expect(body.items[0].id).toBe(decision.id);
    expect(body.items[0].explain.tags).toBeGreaterThan(0);
    // Present and past forms meet: "buy" finds "bought".
    const bought = (await post('/api/context-snippets', { project_id: project, category: 'note', title: 'Licences', dense_content: 'Jenna bought 25 Microsoft 365 Business Premium licences.' })).json();
    expect((await post('/api/memory/recall', { query: 'how many licences did Jenna buy', project_id: project })).json().items[0].id).toBe(bought.id);
  });

  it('shows as many memories as the limit asks, past the first window of texts it fetches', async () => {
    const word = `quokka${randomUUID().slice(0, 6)}`;
    const turns = Array.from({ length: 60 }, (_, i) => ({ ref: `${word}:${i}`, role: 'user', text: `Note ${i}: the ${word} sensor ${i} reads ${i * 3} degrees in rack ${i}.`, at: at(i % 50) }));
    await post('/api/memory/ingest', { project_id: otherProjectId, session: { external_id: randomUUID() }, turns });
    const body = (await post('/api/memory/recall', { query: `${word} sensor`, project_id: otherProjectId, limit: 45, token_budget: 20000 })).json();
    expect(body.items).toHaveLength(45);
    expect(new Set(body.items.map((i: any) => i.id)).size).toBe(45);
    for (const item of body.items) expect(body.text).toContain(item.text.split('\n')[0]);
  });

  it('fills the limit past near-duplicates at the top of the ranking', async () => {
    const word = `wombat${randomUUID().slice(0, 6)}`;
    // Six copies of the best match (a note saved again and again), then distinct, weaker matches.
    for (let i = 0; i < 6; i++) await post('/api/context-snippets', { project_id: otherProjectId, category: 'note', dense_content: `The ${word} gateway reboots nightly; the ${word} gateway logs show it.` });
    for (let i = 0; i < 6; i++) await post('/api/context-snippets', { project_id: otherProjectId, category: 'note', dense_content: `Rack ${i} holds the ${word} switch number ${i * 7}.` });
    const body = (await post('/api/memory/recall', { query: `${word} gateway`, project_id: otherProjectId, limit: 4 })).json();
    expect(body.items).toHaveLength(4);
    expect(body.items.filter((i: any) => i.text.includes('gateway'))).toHaveLength(1);
  });

  it('counts a recall as a use of the items returned', async () => {
    const first = (await post('/api/memory/recall', { query: 'WireGuard OpenVPN tunnel', project_id: projectId, limit: 1 })).json();
    const id = first.items[0].id;
    const kind = first.items[0].kind;
    const table = kind === 'decision' ? 'decision_logs' : kind === 'summary' ? 'conversation_contexts' : 'context_snippets';
    const before = Number((await t().db.selectFrom(table as any).select('usage_count').where('id', '=', id).executeTakeFirstOrThrow() as any).usage_count);
    await post('/api/memory/recall', { query: 'WireGuard OpenVPN tunnel', project_id: projectId, limit: 1 });
    const after = await t().db.selectFrom(table as any).select(['usage_count', 'last_used_at']).where('id', '=', id).executeTakeFirstOrThrow() as any;
    expect(Number(after.usage_count)).toBe(before + 1);
    expect(after.last_used_at).toBeTruthy();
  });

  it('turns bad input into a clear 4xx and stores nothing', async () => {
    const before = await count('context_snippets', projectId);
    const cases: [string, unknown, number][] = [
      ['/api/memory/recall', { query: '' }, 400],
      ['/api/memory/recall', { query: '   ' }, 400],
      ['/api/memory/recall', { query: 'x', token_budget: 0 }, 400],
      ['/api/memory/recall', { query: 'x', token_budget: 1e9 }, 400],
      ['/api/memory/recall', { query: 'x', project_id: randomUUID() }, 422],
      ['/api/memory/recall', { query: 'x', project_id: 'not-a-uuid' }, 400],
      ['/api/memory/ingest', { project_id: projectId, turns: [] }, 400],
      ['/api/memory/ingest', { project_id: randomUUID(), turns: conversation() }, 422],
      ['/api/memory/ingest', { project_id: projectId, turns: [{ ref: 'x', text: 'y', extra: 1 }] }, 400],
      ['/api/memory/ingest', { project_id: projectId, turns: [{ ref: 'big', text: 'a'.repeat(5 * 1024 * 1024) }] }, 413],
      ['/api/memory/ingest', { project_id: projectId, turns: [{ ref: 'big', text: 'word '.repeat(50_000) }] }, 400],
    ];
    for (const [url, payload, status] of cases) {
      const res = await post(url, payload);
      expect({ url, payload: JSON.stringify(payload).slice(0, 80), status: res.statusCode }).toEqual({ url, payload: JSON.stringify(payload).slice(0, 80), status });
      expect(res.json().detail ?? res.json().title).toBeTruthy();
    }
    expect(await count('context_snippets', projectId)).toBe(before);
  });

  it('lets a viewer recall but not ingest, and keeps scoped users to their clients', async () => {
    const otherClient = (await post('/api/clients', mspBuild.client())).json().id;
    const viewer = await t().makeUser('viewer', { client_scope: [clientId] });
    expect((await post('/api/memory/recall', { query: 'NAS backup', project_id: projectId }, viewer.headers)).statusCode).toBe(200);
    expect((await post('/api/memory/ingest', { project_id: projectId, turns: conversation() }, viewer.headers)).statusCode).toBe(403);
    const tech = await t().makeUser('technician', { client_scope: [otherClient] });
    expect((await post('/api/memory/recall', { query: 'NAS backup', project_id: projectId }, tech.headers)).statusCode).toBe(422);
    const unscoped = (await post('/api/memory/recall', { query: 'NAS backup firewall 5001', limit: 100 }, tech.headers)).json();
    const clientItems = new Set((await t().db.selectFrom('context_snippets' as any).select('id').where('client_id', '=', clientId).execute()).map((r: any) => r.id));
    expect(clientItems.size).toBeGreaterThan(0);
    expect(unscoped.items.length).toBeGreaterThan(0); // the client-less project's memories are everyone's
    expect(unscoped.items.filter((i: any) => clientItems.has(i.id))).toEqual([]);
  });
});
