import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices } from '../src/app.js';
import { systemClock } from '../src/core/clock.js';
import { systemContext } from '../src/core/context.js';
import { createDb } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { rankColumns } from '../src/memory/score.js';
import { MemoryIndex } from '../src/modules/memory/memory-index.js';
import { prepareMemory } from '../src/modules/memory/prepare.js';
import { recall } from '../src/modules/memory/recall.js';
import { isoMillis } from '../src/modules/memory/search.js';
import { RecallBody, type RecallInput } from '../src/modules/memory/schemas.js';
import { resolveScope } from '../src/modules/memory/scope.js';
import { describeEachDialect } from './support/dialects.js';
import { mspBuild } from './support/msp.js';

/** The ids of a search's candidates, read from the rows a recall would show. */
const idsOf = (found: Awaited<ReturnType<MemoryIndex['search']>>) => Array.from({ length: found!.columns.length }, (_, i) => found!.columns.item(i).row.id);

const ctx = systemContext();
// Made-up words end in a digit, so stemming leaves them as they are (they are searched for as given).
const WORDS = ['backup', 'firewall', 'printer', 'wireguard', 'exchange', 'mailbox', 'certificate', 'dns', 'replica', 'quota', 'tenant', 'roller'];
const pickWords = (seed: number, n: number) => Array.from({ length: n }, (_, i) => WORDS[(seed * 7 + i * 5) % WORDS.length]);

describeEachDialect('memory index', (t, dialect) => {
  let clientId: string, projectA: string, projectB: string, loneProject: string;
  const services = () => t().services;
  const create = (kind: 'contextSnippets' | 'decisionLogs', values: Record<string, unknown>) => services().context[kind].create(ctx, values) as Promise<any>;
  const recalled = async (input: Record<string, unknown>) => services().memory.recall(ctx, { token_budget: 4000, limit: 50, record_usage: false, ...input });
  // Three times: a group is scanned on its first searches after a change, and searched through its postings once
  // they are built (on the third): the answer must not depend on which.
  const ids = async (input: Record<string, unknown>) => {
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await recalled(input)).items.map((item) => item.id));
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    return answers[0]!;
  };

  beforeAll(async () => {
    clientId = (await services().clients.create(ctx, mspBuild.client())).id as string;
    projectA = (await services().projects.create(ctx, mspBuild.project({ client_id: clientId } as any))).id as string;
    projectB = (await services().projects.create(ctx, mspBuild.project({ client_id: clientId } as any))).id as string;
    loneProject = (await services().projects.create(ctx, mspBuild.project({ client_id: null } as any))).id as string;
    const scopes = [{ project_id: projectA }, { project_id: projectB }, { project_id: loneProject }, { client_id: clientId }, {}];
    for (let s = 0; s < 10; s++) {
      const turns = Array.from({ length: 8 }, (_, i) => ({ ref: `s${s}:${i}`, role: i % 2 ? 'assistant' : 'user',
        text: `The ${pickWords(s + i, 3).join(' and the ')} need work; we decided to move the ${pickWords(s * i + 1, 1)[0]} first.`,
        at: new Date(Date.UTC(2026, 0, 1 + s, 9, i)).toISOString() }));
      await services().memory.ingest(ctx, { ...scopes[s % scopes.length], session: { external_id: randomUUID() }, turns });
    }
    await create('decisionLogs', { project_id: projectA, decision_text: 'Use WireGuard for the branch tunnel', tags: ['wireguard'] });
    await create('contextSnippets', { category: 'fact', dense_content: 'The DNS zone for the tenant lives at the registrar', tags: ['dns'] });
    // Expired by the time most searches ask about: never a candidate then, nor counted in the scope's size.
    await create('contextSnippets', { project_id: loneProject, category: 'fact', dense_content: 'The backup firewall rule for the mailbox was temporary', expires_at: '2029-01-01T00:00:00.000Z' });
    // A term 300 times: past what the index packs into a byte, so it keeps the exact count aside.
    await create('contextSnippets', { project_id: projectA, category: 'fact', dense_content: `Backup log: ${'backup failed, '.repeat(300)}` });
    // Rows written by something other than this server (an import): ids not in canonical UUID form (36
    // characters: ids are char(36), which PostgreSQL pads), and
    // times not in the server's own form. The index keeps those as given, and ranks and shows them as the database does.
    const imported = [
      { id: 'LEGACY-Backup-0000000000000000000001', occurred_at: '2026-01-03T10:00:00Z', created_at: '2026-01-03 10:00:00' },
      { id: randomUUID().toUpperCase(), occurred_at: null, created_at: '2026-01-02T08:00:00.5Z' },
      { id: randomUUID(), occurred_at: '2026-01-04T11:00:00.000Z', created_at: '2026-01-04T11:00:00.00Z' },
    ];
    for (const [i, row] of imported.entries()) {
      const values = { ...row, project_id: projectA, category: 'fact', dense_content: `backup firewall printer imported note ${i}`, tags: ['backup'] };
      await t().db.insertInto('context_snippets').values({ ...values, ...prepareMemory('context_snippet', values), tags: '["backup"]', source_refs: '[]',
        context_terms: '', context_count: 0, relevance_score: 1, usage_count: 0, pinned: 0, updated_at: '2026-01-05T00:00:00.000Z' } as any).execute();
      services().memoryIndex.touched('context_snippet', [row.id]);
    }
  });

  it('ranks exactly as the database does, in every scope', async () => {
    const queries = ['backup firewall', 'wireguard tunnel', 'printer roller quota', 'which dns did we pick', 'the and of', 'mailbox'];
    const scopes = [{ project_id: projectA }, { project_id: loneProject }, { client_id: clientId }, {}, { project_id: projectB, tags: ['dns'] },
      { project_id: projectA, as_of: '2026-01-04T00:00:00.000Z' },
      // Exactly an item's time: it is in (the index compares numbers here, the database strings).
      { project_id: projectA, as_of: '2026-01-06T09:03:00.000Z' },
      // One group besides the global one (a project of no client, a client): searched whole when nothing
      // in it is later than as_of or could have expired, item by item otherwise.
      { project_id: loneProject, as_of: '2026-01-05T00:00:00.000Z' }, { client_id: clientId, as_of: '2026-01-05T00:00:00.000Z' }];
    let compared = 0;
    for (const query of queries) {
      for (const scope of scopes) {
        // One `as_of` for both, or recency would differ by the milliseconds between them.
        const input = RecallBody.parse({ query, token_budget: 4000, limit: 50, record_usage: false, explain: true, as_of: '2030-01-01T00:00:00.000Z', ...scope }) as RecallInput;
        const resolved = await resolveScope(t().db, ctx, input);
        const fromIndex = await recall({ db: t().db, clock: systemClock, memoryIndex: services().memoryIndex }, ctx, input, resolved);
        const fromDatabase = await recall({ db: t().db, clock: systemClock }, ctx, input, resolved);
        expect(fromIndex).toEqual(fromDatabase);
        compared += fromIndex.items.length;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('sees every write through the services at the next recall', async () => {
    const word = `zebra${randomUUID().slice(0, 6)}7`;
    const snippet = await create('contextSnippets', { project_id: projectA, category: 'fact', dense_content: `The ${word} switch sits in rack 4` });
    expect(await ids({ query: word, project_id: projectA })).toEqual([snippet.id]);

    const other = `okapi${randomUUID().slice(0, 6)}7`;
    await services().context.contextSnippets.update(ctx, snippet.id, { dense_content: `The ${other} switch sits in rack 4` });
    expect(await ids({ query: word, project_id: projectA })).toEqual([]);
    expect(await ids({ query: other, project_id: projectA })).toEqual([snippet.id]);

    // Moved to a project of no client: out of project A's reach, in the new project's.
    await services().context.contextSnippets.update(ctx, snippet.id, { project_id: loneProject, client_id: null });
    expect(await ids({ query: other, project_id: projectA })).toEqual([]);
    expect(await ids({ query: other, project_id: loneProject })).toEqual([snippet.id]);

    // A use changes the row in place (same scope, same terms): the group's postings stay, the usage is new.
    const before = (await recalled({ query: other, project_id: loneProject, explain: true })).items[0]!.explain!.usage;
    await services().context.use(ctx, 'context_snippet', snippet.id);
    expect((await recalled({ query: other, project_id: loneProject, explain: true })).items[0]!.explain!.usage).toBeGreaterThan(before);
    expect(await ids({ query: other, project_id: loneProject })).toEqual([snippet.id]);
    // A new tag is a new term: the item is stored again and found by it.
    await services().context.contextSnippets.update(ctx, snippet.id, { tags: ['wombat7'] });
    expect(await ids({ query: 'wombat7', project_id: loneProject })).toEqual([snippet.id]);

    await services().context.contextSnippets.remove(ctx, snippet.id);
    expect(await ids({ query: other, project_id: loneProject })).toEqual([]);
    expect(await ids({ query: other })).toEqual([]);
  });

  it('shows an item as it was ranked when it is deleted before the recall reads its row', async () => {
    const word = `kudu${randomUUID().slice(0, 6)}7`;
    const values = { id: `LEGACY-${word}`.padEnd(36, 'x'), occurred_at: '2026-01-03T10:00:00Z', created_at: '2026-01-03 10:00:00', expires_at: '2099-01-01T00:00:00Z', category: 'fact', dense_content: `${word} note` };
    await t().db.insertInto('context_snippets').values({ ...values, ...prepareMemory('context_snippet', values), tags: '[]', source_refs: '[]',
      context_terms: '', context_count: 0, relevance_score: 1, usage_count: 0, pinned: 0, updated_at: '2026-01-05T00:00:00.000Z' } as any).execute();
    services().memoryIndex.touched('context_snippet', [values.id]);
    const made = await create('contextSnippets', { category: 'fact', dense_content: `${word} other`, expires_at: '2099-01-01T00:00:00.000Z' });
    const scope = { projectId: null, clientId: null, allowedClients: null, asOf: '2098-06-01T00:00:00.000Z', tags: [] };
    const found = (await services().memoryIndex.search(scope, [word], [word], 1000))!;
    const items = Array.from({ length: found.columns.length }, (_, i) => found.columns.item(i));
    // Another recall's sync applies the deletes before this one reads its items' rows (a later budget window, the output).
    await t().db.deleteFrom('context_snippets').where('id', '=', values.id).execute();
    services().memoryIndex.touched('context_snippet', [values.id]);
    await services().context.contextSnippets.remove(ctx, made.id);
    await services().memoryIndex.search(scope, [word], [word], 1000);
    expect(items.map((item) => [item.row.id, item.row.created_at, item.row.occurred_at, item.row.expires_at]).sort()).toEqual([
      [values.id, values.created_at, values.occurred_at, values.expires_at], [made.id, made.created_at, null, '2099-01-01T00:00:00.000Z']].sort());
  });

  it('ranks a search\'s candidates by the tags they had when found, while writes number new tags and lists', async () => {
    const word = `ibex${randomUUID().slice(0, 6)}7`;
    for (let i = 0; i < 3; i++) await create('contextSnippets', { project_id: projectA, category: 'fact', dense_content: `${word} note ${i}`, tags: ['vpn', `tag${i}x7`] });
    const scope = { projectId: projectA, clientId: null, allowedClients: null, asOf: '2098-06-01T00:00:00.000Z', tags: [] };
    const found = (await services().memoryIndex.search(scope, [word], [word], 1000))!;
    const query = { terms: [word], tags: ['vpn', 'tag1x7', 'late7'], now: scope.asOf };
    const stats = { docCount: found.stats.docCount, avgLength: 5 };
    const ranked = () => rankColumns(query, found.columns, stats).top(10).map((s) => ({ id: s.item.id, score: s.score, breakdown: s.breakdown, tags: [...s.item.tags] }));
    const before = ranked();
    expect(before.map((r) => r.tags.length)).toEqual([2, 2, 2]);
    // Another recall's sync meanwhile: new tags and tag lists numbered, and an item found retagged.
    await create('contextSnippets', { project_id: projectA, category: 'fact', dense_content: `${word} later`, tags: ['late7', 'tag1x7'] });
    await services().context.contextSnippets.update(ctx, before[2]!.id, { tags: ['late7', 'other7'] });
    await services().memoryIndex.search(scope, [word], [word], 1000);
    expect(ranked()).toEqual(before);
  });

  it('follows a deleted project: its items become the client\'s', async () => {
    const project = (await services().projects.create(ctx, mspBuild.project({ client_id: clientId } as any))).id as string;
    const word = `quokka${randomUUID().slice(0, 6)}7`;
    const snippet = await create('contextSnippets', { project_id: project, category: 'fact', dense_content: `The ${word} router needs a reboot` });
    expect(await ids({ query: word, project_id: projectA })).toEqual([snippet.id]); // a sibling project reaches the client's items
    await services().projects.remove(ctx, project);
    const [item] = (await recalled({ query: word, client_id: clientId })).items;
    expect(item?.id).toBe(snippet.id);
    expect(await ids({ query: word, project_id: loneProject })).toEqual([]);
  });

  // On SQLite another process is another connection to a file: see the suite below.
  it.runIf(dialect.name !== 'sqlite')('catches writes this index was not told about', async () => {
    // A second index on the same database stands for another server process: only the first is told of writes.
    const elsewhere = new MemoryIndex(t().db, { checkIntervalMs: 0 });
    await elsewhere.warm();
    const word = `tapir${randomUUID().slice(0, 6)}7`;
    const scope = { projectId: projectA, clientId, allowedClients: null, asOf: new Date(Date.now() + 60_000).toISOString(), tags: [] };
    const snippet = await create('contextSnippets', { project_id: projectA, category: 'fact', dense_content: `The ${word} backup finished` });
    const found = await elsewhere.search(scope, [word], [word], 3000);
    expect(idsOf(found)).toEqual([snippet.id]);
  });

  it('reads a bulk write in as it arrives, without waiting for a recall', async () => {
    const index = services().memoryIndex;
    await index.warm();
    const project = (await services().projects.create(ctx, mspBuild.project({ client_id: null } as any))).id as string;
    const word = `ibex${randomUUID().slice(0, 6)}7`;
    const turns = Array.from({ length: 1200 }, (_, i) => ({ ref: `b:${i}`, role: 'user', text: `The ${word} import note ${i} about the ${pickWords(i, 2).join(' and the ')}` }));
    await services().memory.ingest(ctx, { project_id: project, session: { external_id: randomUUID() }, turns });
    // No recall since: the index reads the new items on its own.
    const pending = () => [...(index as any).pending.values()].reduce((n: number, ids: Set<string>) => n + ids.size, 0);
    for (let i = 0; i < 200 && pending() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pending()).toBe(0);
    expect((await recalled({ query: word, project_id: project })).candidates).toBeGreaterThanOrEqual(1200);
  });

  it('ranks the same after most of its items are deleted and it rebuilds itself without them', async () => {
    const project = (await services().projects.create(ctx, mspBuild.project({ client_id: null } as any))).id as string;
    const turns = Array.from({ length: 2400 }, (_, i) => ({ ref: `bulk:${i}`, role: 'user', text: `Bulk note ${i}: the ${pickWords(i, 2).join(' and the ')} were checked.` }));
    const stored = await services().memory.ingest(ctx, { project_id: project, session: { external_id: randomUUID() }, turns });
    const snippets = stored.items.filter((i) => i.kind === 'context_snippet').map((i) => i.id);
    expect((await recalled({ query: 'bulk note', project_id: project })).candidates).toBeGreaterThan(2000); // in the index now
    const gone = snippets.filter((_, i) => i % 5 !== 0);
    for (let i = 0; i < gone.length; i += 500) await t().db.deleteFrom('context_snippets').where('id', 'in', gone.slice(i, i + 500)).execute();
    services().memoryIndex.touched('context_snippet', gone);
    for (const query of ['backup firewall', 'printer quota', 'bulk note']) {
      const input = RecallBody.parse({ query, project_id: project, limit: 30, token_budget: 3000, record_usage: false, explain: true, as_of: '2030-01-01T00:00:00.000Z' }) as RecallInput;
      const resolved = await resolveScope(t().db, ctx, input);
      const fromIndex = await recall({ db: t().db, clock: systemClock, memoryIndex: services().memoryIndex }, ctx, input, resolved);
      expect(fromIndex).toEqual(await recall({ db: t().db, clock: systemClock }, ctx, input, resolved));
      expect(fromIndex.items.length).toBeGreaterThan(0);
      for (const item of fromIndex.items) expect(gone).not.toContain(item.id);
    }
  });

  it('turns itself off past its size limit, and recall still answers from the database', async () => {
    const small = new MemoryIndex(t().db, { maxItems: 3 });
    expect(await small.warm()).toBe(false);
    const input = RecallBody.parse({ query: 'backup firewall', project_id: projectA, record_usage: false }) as RecallInput;
    const resolved = await resolveScope(t().db, ctx, input);
    const viaSmall = await recall({ db: t().db, clock: systemClock, memoryIndex: small }, ctx, input, resolved);
    expect(viaSmall).toEqual(await recall({ db: t().db, clock: systemClock }, ctx, input, resolved));
    expect(viaSmall.items.length).toBeGreaterThan(0);
  });
});

describe('isoMillis', () => {
  it('reads only the form whose numeric order is its string order', () => {
    expect(isoMillis('2026-01-06T09:03:00.000Z')).toBe(Date.UTC(2026, 0, 6, 9, 3));
    // Other forms compare differently as strings ("...00Z" sorts after "...00.500Z"), so the index compares them as strings.
    for (const other of ['2026-01-06T09:03:00Z', '2026-01-06T09:03:00.000+00:00', '2026-02-30T00:00:00.000Z', '+012026-01-06T09:03:00.000Z', '2026-01-06 09:03:00', '']) {
      expect(isoMillis(other)).toBeNaN();
    }
  });
});

describe('memory index on a SQLite file written by another process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ct-index-'));
  const file = join(dir, 'memory.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reloads when another connection commits', async () => {
    const server = createDb(`sqlite:${file}`);
    await migrateToLatest(server.db);
    const other = createDb(`sqlite:${file}`);
    try {
      const keys = { jwt: Buffer.alloc(32, 1), audit: Buffer.alloc(32, 2), master: Buffer.alloc(32, 3) };
      const serverSide = buildServices({ database: server, keys, settings: { auth: {} } as any, logger: false });
      const otherSide = buildServices({ database: other, keys, settings: { auth: {} } as any, logger: false });
      await serverSide.memoryIndex.warm();
      const word = `ibex${randomUUID().slice(0, 6)}7`;
      const recallWord = async () => (await serverSide.memory.recall(ctx, { query: word, record_usage: false })).items.map((i) => i.text);
      expect(await recallWord()).toEqual([]);
      await otherSide.context.contextSnippets.create(ctx, { category: 'fact', dense_content: `The ${word} printer is on floor 2` });
      expect(await recallWord()).toEqual([`The ${word} printer is on floor 2`]);
    } finally {
      await other.close();
      await server.close();
    }
  });
});
