import { z } from 'zod';
import type { MemoryKind } from '../../modules/context/service.js';
import { ContextSnippet, DecisionLog } from '../../modules/context/entities.js';
import { RecallBody } from '../../modules/memory/schemas.js';
import type { McpEnv } from '../env.js';
import { ClientHandle, ProjectHandle } from '../handles.js';
import { day, oneLine, renderIndex, renderRecord } from '../output.js';
import { tool } from '../tool.js';
import { listPage, pageInput } from './lists.js';
import { KIND_NAMES, KIND_OF_NAME, memoryBody, requireMemory, serviceOf, findMemory, type KindName } from './memory-kinds.js';

/** Recall answers stay well under the output cap; a bigger budget is a sign to narrow the query. */
const MAX_RECALL_BUDGET = 8_000;
/** recall ranks at most this many items, so search_memory pages within them. */
const MAX_RANKED = 500;

const scope = {
  project: ProjectHandle.optional().describe('Only memories of this project (plus its client\'s and global ones): its slug or id'),
  client: ClientHandle.optional().describe('Only memories of this client (plus global ones): its short code or id'),
};
const query = RecallBody.shape.query.describe('What you are looking for: a question or keywords, e.g. "why does the NAS backup fail"');

async function scopeIds(env: McpEnv, args: { project?: string; client?: string }) {
  return { project_id: await env.handles.projectId(args.project), client_id: await env.handles.clientId(args.client) };
}

/** One index line: kind, id, date, and the start of the text. */
const indexLine = (kind: string, id: unknown, at: unknown, title: unknown, text: string) =>
  `- ${kind} ${String(id)} · ${day(at)} · ${oneLine(title && !text.startsWith(String(title)) ? `${title}: ${text}` : text)}`;

export const recall = tool({
  name: 'recall',
  title: 'Recall memories',
  description: 'The memories earlier sessions stored that are most relevant to a query (facts, decisions, conversation turns and summaries), '
    + 'ranked and fitted to token_budget, as dated bullets, followed by their ids (for get_memory or forget). '
    + 'Use it when starting on a topic or when the user refers to earlier work.',
  input: RecallBody.pick({ tags: true, limit: true, as_of: true }).extend({
    query, ...scope,
    token_budget: z.int().min(50).max(MAX_RECALL_BUDGET).default(1500).describe(`Most tokens (cl100k) the memories may take, up to ${MAX_RECALL_BUDGET}`),
  }),
  effect: 'read',
  async run({ project, client, ...args }, env) {
    const answer = await env.services.memory.recall(env.ctx, { ...args, ...(await scopeIds(env, { project, client })) });
    if (!answer.items.length) return 'No memories match this query in this scope.';
    return `${answer.text}\n\nIds, in the order above: ${answer.items.map((i) => `${i.kind} ${i.id}`).join(', ')}`;
  },
});

export const searchMemory = tool({
  name: 'search_memory',
  title: 'Search memories (index)',
  description: 'An index of the memories matching a query, best first: one line each with kind, id, date and the start of its text. '
    + 'Cheaper than recall for a broad look; read the full items with get_memory. Pages with offset.',
  input: z.strictObject({ query, ...scope, tags: RecallBody.shape.tags, ...pageInput(20, 50) }),
  effect: 'read',
  async run({ project, client, limit, offset, ...args }, env) {
    const wanted = Math.min(MAX_RANKED, offset + limit + 1);
    const answer = await env.services.memory.recall(env.ctx, {
      ...args, ...(await scopeIds(env, { project, client })), limit: wanted, token_budget: 100_000, record_usage: false,
    });
    const lines = answer.items.slice(offset, offset + limit).map((i) => indexLine(i.kind, i.id, i.occurred_at ?? i.created_at, i.title, i.text));
    return renderIndex(`Memories matching "${oneLine(args.query, 80)}" (kind id · date · text):`, { lines, offset, more: answer.items.length > offset + limit },
      'No memories match this query in this scope.');
  },
});

export const getMemory = tool({
  name: 'get_memory',
  title: 'Get memories by id',
  description: 'The full records of up to 10 memories by id (from recall, search_memory or list_recent): text, tags, project, client, source refs, dates.',
  input: z.strictObject({ ids: z.array(z.uuid()).min(1).max(10).describe('Memory ids') }),
  effect: 'read',
  async run({ ids }, env) {
    const found = [], missing = [];
    for (const id of new Set(ids.map((i) => i.toLowerCase()))) {
      const hit = await findMemory(env, id);
      if (hit) found.push({ kind: KIND_NAMES[hit.kind], ...hit.row });
      else missing.push(id);
    }
    if (!found.length) await requireMemory(env, missing[0]!);
    return renderRecord(missing.length ? { items: found, not_found: missing } : { items: found });
  },
});

export const listRecent = tool({
  name: 'list_recent',
  title: 'List recent memories (index)',
  description: 'The newest memories, one line each with kind, id, date and the start of its text; optionally of one project or client, or of some kinds. Pages with offset.',
  input: z.strictObject({
    ...scope,
    kinds: z.array(z.enum(['snippet', 'decision', 'summary'])).min(1).max(3).default(['snippet', 'decision', 'summary'])
      .describe('snippet: facts and conversation turns; decision: logged decisions; summary: conversation summaries'),
    ...pageInput(20, 50),
  }),
  effect: 'read',
  async run({ project, client, kinds, limit, offset }, env) {
    const filters = await scopeIds(env, { project, client });
    // Newest first across tables: each table's first offset+limit rows hold the merged page.
    const pages = await Promise.all([...new Set(kinds)].map(async (name: KindName) => {
      const kind = KIND_OF_NAME[name];
      const page = await listPage(env, serviceOf(env, kind), { ...filters, sort: '-created_at', limit: Math.min(500, offset + limit), offset: 0 });
      return { kind, page };
    }));
    const merged = pages.flatMap(({ kind, page }) => page.items.map((row) => ({ kind, row: row as Record<string, unknown> })))
      .sort((a, b) => String(b.row.created_at).localeCompare(String(a.row.created_at)) || String(b.row.id).localeCompare(String(a.row.id)));
    const lines = merged.slice(offset, offset + limit).map(({ kind, row }) => indexLine(KIND_NAMES[kind], row.id, row.occurred_at ?? row.created_at, row.title, memoryBody(row)));
    const total = pages.reduce((n, p) => n + p.page.total, 0);
    return renderIndex('Recent memories, newest first (kind id · date · text):', { lines, offset, total }, 'No memories stored in this scope yet.');
  },
});

export const forget = tool({
  name: 'forget',
  title: 'Forget a memory',
  description: 'Deletes one memory (snippet, decision or summary) by id, for good: use it for a memory that is wrong or should never have been stored.',
  input: z.strictObject({ id: z.uuid().describe('The memory id') }),
  effect: 'delete',
  async run({ id }, env) {
    const { kind, row } = await requireMemory(env, id.toLowerCase());
    await serviceOf(env, kind).remove(env.ctx, String(row.id));
    return `Forgot ${KIND_NAMES[kind]} ${row.id}: ${oneLine(memoryBody(row), 100)}`;
  },
});

const decisionFields = DecisionLog.schemas.create.pick({ rationale: true, alternatives_considered: true, impact: true, decision_type: true, tags: true });

/** Entity schemas are typed loosely (their shape is built at run time): values pass through as a record. */
type DecisionArgs = Record<string, unknown> & { decision_text: string; project?: string; client?: string };

async function storeDecision(env: McpEnv, args: DecisionArgs) {
  const { project, client, ...values } = args;
  const row = await env.services.context.decisionLogs.create(env.ctx, { ...values, ...(await scopeIds(env, { project, client })) });
  return stored('decision_log', row as Record<string, unknown>, args.decision_text);
}

/** What a write answers: the id and what was kept, noting when redaction changed the text (text it leaves alone round-trips exactly). */
function stored(kind: MemoryKind, row: Record<string, unknown>, sent: string) {
  const redacted = memoryBody(row) !== sent ? ' Secrets or <private> parts were removed before storage.' : '';
  const tags = Array.isArray(row.tags) && row.tags.length ? `, tags: ${row.tags.join(', ')}` : '';
  return `Stored ${KIND_NAMES[kind]} ${row.id} (${row.tokens} tokens${tags}).${redacted}`;
}

export const logDecision = tool({
  name: 'log_decision',
  title: 'Log a decision',
  description: 'Records a decision (what was decided, why, and what else was considered) so later sessions recall it instead of re-deciding.',
  input: decisionFields.extend({
    decision_text: DecisionLog.schemas.create.shape.decision_text.describe('What was decided, as one self-contained statement'),
    ...scope,
  }),
  effect: 'create',
  run: (args, env) => storeDecision(env, args as DecisionArgs),
});

export const remember = tool({
  name: 'remember',
  title: 'Remember a fact or decision',
  description: 'Stores one self-contained fact, lesson, command or decision for later sessions to recall. '
    + 'Secrets are redacted before storage. For a decision with its rationale, log_decision takes more detail.',
  input: ContextSnippet.schemas.create.pick({ title: true, category: true, tags: true, pinned: true }).extend({
    text: ContextSnippet.schemas.create.shape.dense_content.describe('The memory, written to make sense on its own later'),
    kind: z.enum(['snippet', 'decision']).default('snippet').describe('snippet (default): a fact, lesson, command, ...; decision: something decided (title, category and pinned apply to snippets only)'),
    ...scope,
  }),
  effect: 'create',
  async run(args, env) {
    const { text, kind, project, client, ...fields } = args as Record<string, unknown> & { text: string; kind: string; project?: string; client?: string };
    if (kind === 'decision') return storeDecision(env, { decision_text: text, tags: fields.tags, project, client });
    const row = await env.services.context.contextSnippets.create(env.ctx, { ...fields, dense_content: text, ...(await scopeIds(env, { project, client })) });
    return stored('context_snippet', row as Record<string, unknown>, text);
  },
});

export const memoryTools = [recall, searchMemory, getMemory, listRecent, remember, logDecision, forget];
