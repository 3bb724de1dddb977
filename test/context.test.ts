import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../src/core/context.js';
import { bumpUsage } from '../src/modules/context/service.js';
import * as E from '../src/modules/all-entities.js';
import { contextBuild as build } from './support/context.js';
import { crudContract } from './support/crud-contract.js';
import { describeEachDialect } from './support/dialects.js';
import { mspBuild, seedParents, type Parents } from './support/msp.js';

const rand = () => randomBytes(4).toString('hex');

describeEachDialect('context recall: the CRUD contract', (t) => {
  let p: Parents;
  beforeAll(async () => { p = await seedParents(t()); });

  describe('conversation_contexts', () => {
    crudContract(t, { entity: E.ConversationContext, build: () => build.conversation_context(p), patch: () => ({ pinned: true, relevance_score: 9 }) });
  });
  describe('context_snippets', () => {
    crudContract(t, { entity: E.ContextSnippet, build: () => build.context_snippet(p), patch: () => ({ category: 'pattern', pinned: true }) });
  });
  describe('decision_logs', () => {
    crudContract(t, { entity: E.DecisionLog, build: () => build.decision_log(p), patch: () => ({ impact: 'critical', decision_type: 'security' }) });
  });
  describe('project_states', () => {
    // One state per project: every body gets a project of its own (refused bodies use one up harmlessly).
    const projects: string[] = [];
    beforeAll(async () => {
      for (let i = 0; i < 40; i++) projects.push((await t().services.projects.create(systemContext(), mspBuild.project(p))).id);
    });
    crudContract(t, { entity: E.ProjectState, build: () => build.project_state(projects.pop()!), patch: () => ({ progress_percentage: 80, current_phase: 'testing' }) });
  });
});

describeEachDialect('context recall endpoints', (t) => {
  let p: Parents;
  const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t().app.inject({ method, url, payload, headers: t().adminHeaders });
  const create = async (path: string, body: object) => {
    const res = await inject('POST', `/api/${path}`, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const newProject = async () => (await t().services.projects.create(systemContext(), mspBuild.project(p))).id as string;
  beforeAll(async () => { p = await seedParents(t()); });

  describe('tags', () => {
    it('are stored normalized, and the junction follows every create, update and delete', async () => {
      const dns = `dns-${rand()}`;
      const row = await create('context-snippets', build.context_snippet(p, { tags: [` ${dns.toUpperCase()} `, dns, 'Postgres'] }));
      expect(row.tags).toEqual([dns, 'postgres']);
      const junction = async () => (await t().db.selectFrom('context_snippet_tags').select('tag').where('snippet_id', '=', row.id).orderBy('tag').execute()).map((r) => r.tag);
      expect(await junction()).toEqual([dns, 'postgres'].sort());
      expect((await inject('PATCH', `/api/context-snippets/${row.id}`, { tags: ['postgres', 'Redis'] })).statusCode).toBe(200);
      expect(await junction()).toEqual(['postgres', 'redis']);
      expect((await inject('PATCH', `/api/context-snippets/${row.id}`, { pinned: true })).statusCode).toBe(200);
      expect(await junction()).toEqual(['postgres', 'redis']);
      expect((await inject('DELETE', `/api/context-snippets/${row.id}`)).statusCode).toBe(204);
      expect(await junction()).toEqual([]);

      for (const [path, table, column] of [['conversation-contexts', 'conversation_context_tags', 'context_id'], ['decision-logs', 'decision_log_tags', 'decision_id']]) {
        const kind = path === 'decision-logs' ? build.decision_log : build.conversation_context;
        const item = await create(path, kind(p, { tags: ['Café', 'café', 'cafe'] }));
        expect(item.tags).toEqual(['café', 'cafe']);
        const tags = (await t().db.selectFrom(table).select('tag').where(column, '=', item.id).execute()).map((r) => r.tag).sort();
        expect(tags, path).toEqual(['cafe', 'café']);
      }
    });

    it('find snippets carrying any or all of the tags, most matches first', async () => {
      const [a, b, c] = [`a-${rand()}`, `b-${rand()}`, `c-${rand()}`];
      const both = await create('context-snippets', build.context_snippet(p, { tags: [a, b] }));
      const onlyA = await create('context-snippets', build.context_snippet(p, { tags: [a], relevance_score: 9 }));
      const bc = await create('context-snippets', build.context_snippet(p, { tags: [b, c], project_id: await newProject() }));
      await create('context-snippets', build.context_snippet(p, { tags: [a, b], expires_at: '2020-01-01T00:00:00.000Z' }));
      const ids = async (q: string) => {
        const res = await inject('GET', `/api/context-snippets/by-tags?${q}`);
        expect(res.statusCode, res.body).toBe(200);
        return res.json().items.map((r: { id: string }) => r.id);
      };
      expect(await ids(`tags=${a},${b}`)).toEqual([both.id, onlyA.id, bc.id]);
      expect(await ids(`tags=${a.toUpperCase()},%20${b}&match=all`)).toEqual([both.id]);
      expect(await ids(`tags=${b},${c}&match=all`)).toEqual([bc.id]);
      expect(await ids(`tags=${a},${b}&project_id=${p.project_id}`)).toEqual([both.id, onlyA.id]);
      expect(await ids(`tags=${a},${b}&limit=1&offset=1`)).toEqual([onlyA.id]);
      expect((await inject('GET', `/api/context-snippets/by-tags?tags=${a}`)).json().total).toBe(2);
      expect(await ids(`tags=nothing-${rand()}`)).toEqual([]);
      for (const bad of ['tags=', `tags=${a}&match=some`, `tags=${'x'.repeat(101)}`, 'match=any']) {
        expect((await inject('GET', `/api/context-snippets/by-tags?${bad}`)).statusCode, bad).toBe(400);
      }
    });
  });

  describe('usage', () => {
    it('counts every one of 10 concurrent uses and sets last_used_at', async () => {
      for (const [path, make] of [['context-snippets', build.context_snippet], ['conversation-contexts', build.conversation_context], ['decision-logs', build.decision_log]] as const) {
        const row = await create(path, make(p));
        expect(row.usage_count).toBe(0);
        expect(row.last_used_at).toBeNull();
        const results = await Promise.all(Array.from({ length: 10 }, () => inject('POST', `/api/${path}/${row.id}/use`)));
        expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
        const after = (await inject('GET', `/api/${path}/${row.id}`)).json();
        expect(after.usage_count, path).toBe(10);
        expect(Date.parse(after.last_used_at)).not.toBeNaN();
        expect(after.updated_at).toBe(row.updated_at);
        expect((await inject('POST', `/api/${path}/${randomUUID()}/use`)).statusCode).toBe(404);
      }
    });

    it('is recorded by writers only: a viewer gets 403 and the count stays', async () => {
      const viewer = await t().makeUser('viewer');
      const row = await create('context-snippets', build.context_snippet(p));
      const res = await t().app.inject({ method: 'POST', url: `/api/context-snippets/${row.id}/use`, headers: viewer.headers });
      expect(res.statusCode).toBe(403);
      expect((await inject('GET', `/api/context-snippets/${row.id}`)).json().usage_count).toBe(0);
      const put = await t().app.inject({ method: 'PUT', url: `/api/project-states/by-project/${p.project_id}`, payload: {}, headers: viewer.headers });
      expect(put.statusCode).toBe(403);
    });

    it('bumpUsage bumps many rows in one call and skips unknown ids', async () => {
      const rows = [await create('decision-logs', build.decision_log(p)), await create('decision-logs', build.decision_log(p))];
      const now = '2026-05-05T05:05:05.000Z';
      const n = await bumpUsage(t().db, 'decision_log', [rows[0].id, rows[1].id, rows[1].id, randomUUID()], now);
      expect(n).toBe(2);
      for (const row of rows) {
        expect((await inject('GET', `/api/decision-logs/${row.id}`)).json()).toMatchObject({ usage_count: 1, last_used_at: now });
      }
      expect(await bumpUsage(t().db, 'decision_log', [], now)).toBe(0);
    });

    it('top lists the most used snippets, ties by relevance, without expired ones', async () => {
      const project = await newProject();
      const mk = (o: Record<string, unknown>) => create('context-snippets', build.context_snippet({ ...p, project_id: project }, o));
      const low = await mk({ relevance_score: 1 });
      const high = await mk({ relevance_score: 8 });
      const used = await mk({ relevance_score: 0 });
      const expired = await mk({ expires_at: '2020-01-01T00:00:00.000Z' });
      for (const id of [used.id, used.id, expired.id, expired.id, expired.id]) await inject('POST', `/api/context-snippets/${id}/use`);
      const res = await inject('GET', `/api/context-snippets/top?project_id=${project}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items.map((r: { id: string }) => r.id)).toEqual([used.id, high.id, low.id]);
      expect((await inject('GET', `/api/context-snippets/top?project_id=${project}&limit=1`)).json().items).toHaveLength(1);
      expect((await inject('GET', `/api/context-snippets/top?client_id=${p.client_id}&limit=500`)).json().items.every((r: { client_id: string }) => r.client_id === p.client_id)).toBe(true);
      expect((await inject('GET', '/api/context-snippets/top?limit=0')).statusCode).toBe(400);
    });
  });

  describe('project state by project', () => {
    it('is 404 until the first PUT creates it; later PUTs update the same row', async () => {
      const project = await newProject();
      const url = `/api/project-states/by-project/${project}`;
      expect((await inject('GET', url)).statusCode).toBe(404);
      const first = await inject('PUT', url, { current_phase: 'design', next_actions: ['draft the schema'] });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ project_id: project, current_phase: 'design', progress_percentage: 0, next_actions: ['draft the schema'], blockers: [] });
      const second = await inject('PUT', url, { progress_percentage: 30 });
      expect(second.json()).toMatchObject({ id: first.json().id, current_phase: 'design', progress_percentage: 30 });
      expect((await inject('GET', url)).json()).toEqual(second.json());
      expect((await inject('PUT', `/api/project-states/by-project/${randomUUID()}`, {})).statusCode).toBe(404);
      expect((await inject('PUT', url, { progress_percentage: 101 })).statusCode).toBe(400);
      expect((await inject('PUT', url, { project_id: project })).statusCode).toBe(400);
    });

    it('keeps one row per project under concurrent PUTs', async () => {
      for (let round = 0; round < 5; round++) {
        const project = await newProject();
        const url = `/api/project-states/by-project/${project}`;
        const [a, b] = await Promise.all([inject('PUT', url, { current_phase: 'a' }), inject('PUT', url, { progress_percentage: 50 })]);
        expect([a.statusCode, b.statusCode], `${a.body} ${b.body}`).toEqual([200, 200]);
        expect(a.json().id).toBe(b.json().id);
        const rows = await t().db.selectFrom('project_states').selectAll().where('project_id', '=', project).execute();
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ current_phase: 'a', progress_percentage: 50 });
      }
    });

    it('a second POST for the same project is a 409', async () => {
      const project = await newProject();
      await create('project-states', build.project_state(project));
      const again = await inject('POST', '/api/project-states', build.project_state(project));
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('already_exists');
    });
  });

  describe('decision logs by project and by impact', () => {
    it('filters by project (and impact) and by impact', async () => {
      const project = await newProject();
      const high = await create('decision-logs', build.decision_log(p, { project_id: project, impact: 'high' }));
      const low = await create('decision-logs', build.decision_log(p, { project_id: project, impact: 'low' }));
      const ids = async (url: string) => {
        const res = await inject('GET', url);
        expect(res.statusCode, res.body).toBe(200);
        return res.json().items.map((r: { id: string }) => r.id).sort();
      };
      expect(await ids(`/api/decision-logs/by-project/${project}`)).toEqual([high.id, low.id].sort());
      expect(await ids(`/api/decision-logs/by-project/${project}?impact=low`)).toEqual([low.id]);
      expect(await ids(`/api/projects/${project}/decision-logs`)).toEqual([high.id, low.id].sort());
      const byImpact = await inject('GET', '/api/decision-logs/by-impact/low?limit=500');
      expect(byImpact.json().items.every((r: { impact: string }) => r.impact === 'low')).toBe(true);
      expect(byImpact.json().items.map((r: { id: string }) => r.id)).toContain(low.id);
      expect((await inject('GET', '/api/decision-logs/by-impact/catastrophic')).statusCode).toBe(400);
      expect((await inject('GET', `/api/decision-logs/by-project/${randomUUID()}`)).statusCode).toBe(404);
    });
  });

  describe('by-parent lists', () => {
    it("list a project's, a session's, a client's and a machine's items", async () => {
      const machine = await t().services.machines.create(systemContext(), { hostname: `host-${rand()}`, platform: 'linux' });
      const session = (await t().services.sessions.create(systemContext(), mspBuild.session(p))).id;
      const ctxRow = await create('conversation-contexts', build.conversation_context(p, { session_id: session, machine_id: machine.id }));
      const snippet = await create('context-snippets', build.context_snippet(p, { session_id: session }));
      const decision = await create('decision-logs', build.decision_log(p, { session_id: session }));
      for (const [url, id] of [[`/api/sessions/${session}/conversation-contexts`, ctxRow.id], [`/api/sessions/${session}/context-snippets`, snippet.id],
        [`/api/sessions/${session}/decision-logs`, decision.id], [`/api/machines/${machine.id}/conversation-contexts`, ctxRow.id],
        [`/api/projects/${p.project_id}/context-snippets`, snippet.id], [`/api/projects/${p.project_id}/conversation-contexts`, ctxRow.id],
        [`/api/clients/${p.client_id}/context-snippets`, snippet.id], [`/api/clients/${p.client_id}/decision-logs`, decision.id]]) {
        const res = await inject('GET', `${url}?limit=500`);
        expect(res.statusCode, url).toBe(200);
        expect(res.json().items.map((r: { id: string }) => r.id), url).toContain(id);
      }
      const sessionList = (await inject('GET', `/api/sessions/${session}/context-snippets`)).json();
      expect(sessionList.items.map((r: { id: string }) => r.id)).toEqual([snippet.id]);
      expect((await inject('GET', `/api/projects/${randomUUID()}/context-snippets`)).statusCode).toBe(404);
    });
  });

  describe('bad input', () => {
    it('is a 400 naming the field, or a 422 for an unknown reference', async () => {
      const cases: [string, object, number, string][] = [
        ['project-states', build.project_state(await newProject(), { progress_percentage: 101 }), 400, 'progress_percentage'],
        ['project-states', build.project_state(await newProject(), { progress_percentage: -1 }), 400, 'progress_percentage'],
        ['decision-logs', build.decision_log(p, { impact: 'catastrophic' }), 400, 'impact'],
        ['context-snippets', build.context_snippet(p, { project_id: randomUUID() }), 422, 'project_id'],
        ['conversation-contexts', build.conversation_context(p, { session_id: randomUUID() }), 422, 'session_id'],
        ['project-states', build.project_state(randomUUID()), 422, 'project_id'],
        ['context-snippets', build.context_snippet(p, { relevance_score: 10.5 }), 400, 'relevance_score'],
        ['context-snippets', build.context_snippet(p, { source_refs: ['x'.repeat(301)] }), 400, 'source_refs'],
        ['context-snippets', build.context_snippet(p, { source_refs: Array(2001).fill('r') }), 400, 'source_refs'],
        ['context-snippets', build.context_snippet(p, { tags: ['t'.repeat(101)] }), 400, 'tags'],
        ['context-snippets', build.context_snippet(p, { dense_content: '' }), 400, 'dense_content'],
        ['context-snippets', build.context_snippet(p, { usage_count: 5 }), 400, 'usage_count'],
        ['context-snippets', build.context_snippet(p, { content_hash: 'f'.repeat(64) }), 400, 'content_hash'],
        ['context-snippets', build.context_snippet(p, { search_terms: 'x' }), 400, 'search_terms'],
        ['decision-logs', build.decision_log(p, { decision_text: '   ' }), 400, 'decision_text'],
      ];
      for (const [path, body, status, field] of cases) {
        const res = await inject('POST', `/api/${path}`, body);
        expect(res.statusCode, `${path} ${field}: ${res.body}`).toBe(status);
        // Read-only fields are unknown keys to the body schema: named in the message rather than the path.
        const errors: { path: string; message: string }[] = res.json().errors;
        expect(errors.some((e) => e.path.split('.')[0] === field || e.message.includes(field)), `${field}: ${res.body}`).toBe(true);
      }
    });
  });
});
