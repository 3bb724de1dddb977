import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { inClientScope } from '../../entities/policy.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { constraintViolation, dialectOf } from '../../db/dialect.js';
import { chunkRedactedTurns } from '../../memory/chunk.js';
import { sha256Hex } from '../../memory/hash.js';
import { compressConversation, extractDecisions } from '../../memory/compress.js';
import { redactSecrets } from '../../memory/redact.js';
import { extractTags } from '../../memory/tags.js';
import { encodeTerms } from '../../memory/text.js';
import { countTokens } from '../../memory/tokens.js';
import type { AuditService } from '../audit/service.js';
import { MEMORY_KINDS, normalizeTags } from '../context/tag-index.js';
import { indexBacklogWhenDue } from './full-text-backlog.js';
import { runCached } from '../../db/cached-query.js';
import { insertRows } from './insert-rows.js';
import { prepareMemory, type MemoryKind } from './prepare.js';
import type { MemoryIndex } from './memory-index.js';
import type { IngestInput, IngestOutput } from './schemas.js';
import type { ResolvedScope } from './scope.js';

/** A conversation this long gets a summary item beside its turns. */
const SUMMARY_MIN_TURNS = 6;
const INSERT_BATCH = 200;

interface Row extends Record<string, unknown> { id: string }

function ledgerKey(input: IngestInput): string {
  if (input.idempotency_key) return `key:${input.idempotency_key}`;
  const { idempotency_key: _, ...rest } = input;
  return `auto:${sha256Hex(canonicalJson(rest))}`;
}

async function insertMany(trx: Kysely<any>, table: string, rows: Record<string, unknown>[]) {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) await insertRows(trx, table, rows.slice(i, i + INSERT_BATCH));
}

/** Finds or starts the session the turns belong to, by the caller's external id. */
async function sessionFor(trx: Kysely<any>, ctx: RequestContext, input: IngestInput, scope: ResolvedScope, now: string): Promise<string | null> {
  if (!input.session) return null;
  const [found] = await runCached<{ id: string; client_id: string | null }>(trx, 'session', [input.session.external_id],
    () => trx.selectFrom('sessions').select(['id', 'client_id']).where('external_session_id', '=', input.session!.external_id));
  // Another client's session is not found: nothing is added to it.
  if (found && !inClientScope(ctx, found.client_id)) throw AppError.notFound('session', input.session.external_id);
  if (found) return found.id as string;
  const id = newId();
  await insertRows(trx, 'sessions', [{
    id, external_session_id: input.session.external_id, project_id: scope.projectId, client_id: scope.clientId, machine_id: input.machine_id ?? null,
    title: input.session.title ?? null, started_at: input.session.started_at ?? input.turns[0]?.at ?? now,
    mode: 'normal', status: 'active', is_billable: 0, created_at: now, updated_at: now,
  }]);
  return id;
}

/**
 * Pieces already stored for the same turn with the same content (a hook resending overlapping turns).
 * Found through the content hash index. SQLite without planner statistics (a new database, a server that
 * has not restarted since it filled) picked the (project_id, client_id) index instead and read every
 * snippet of the project per batch, so ingest slowed as the project grew; `+project_id` (SQLite's way to
 * take a column out of index choice) leaves it the hash index. MariaDB and PostgreSQL keep statistics and
 * choose the hash index themselves.
 */
async function existingPieces(trx: Kysely<any>, projectId: string | null, hashes: string[]): Promise<Set<string>> {
  if (!hashes.length) return new Set();
  const unique = [...new Set(hashes)];
  const rows = await runCached<{ content_hash: string; source_refs: string }>(trx, `existing|${unique.length}|${projectId ? 'project' : 'global'}`,
    projectId ? [...unique, projectId] : unique, () => {
      const project = dialectOf(trx) === 'sqlite' ? sql`+project_id` : sql.ref('project_id');
      return trx.selectFrom('context_snippets').select(['content_hash', 'source_refs']).where('content_hash', 'in', unique)
        .where((eb) => (projectId ? eb(project, '=', projectId) : eb(project, 'is', null)));
    });
  return new Set(rows.flatMap((r) => (JSON.parse(r.source_refs as string) as string[]).map((ref) => `${r.content_hash}|${ref}`)));
}

export interface IngestDeps { db: Kysely<any>; audit: AuditService; clock: Clock; memoryIndex?: MemoryIndex }

/**
 * Stores a batch of conversation turns as recallable memory, all or nothing: one snippet per turn
 * (long turns split), a summary of the batch, and the decisions stated in it. Every item lists the
 * refs of exactly the turns whose content it holds. Retrying the same request stores nothing new.
 */
export async function ingest(deps: IngestDeps, ctx: RequestContext, input: IngestInput, scope: ResolvedScope): Promise<IngestOutput> {
  const key = ledgerKey(input);
  try {
    const result = await deps.db.transaction().execute((trx) => store(trx, deps, ctx, input, scope, key));
    for (const item of result.items) deps.memoryIndex?.touched(item.kind as MemoryKind, [item.id]);
    return result;
  } catch (err) {
    // A concurrent or earlier request with the same key won the ledger row: answer with what it stored.
    if (constraintViolation(err)?.kind !== 'unique') throw err;
    const previous = await deps.db.selectFrom('memory_ingests').select('result').where('idempotency_key', '=', key).executeTakeFirst();
    if (!previous) throw err;
    return { ...(JSON.parse(previous.result as string) as IngestOutput), duplicate: true };
  }
}

async function store(trx: Kysely<any>, deps: IngestDeps, ctx: RequestContext, input: IngestInput, scope: ResolvedScope, key: string): Promise<IngestOutput> {
  const now = deps.clock.now().toISOString();
  const ingestId = newId();
  // The ledger row goes first: a concurrent retry blocks on its unique key until this commits, then fails over to it.
  await insertRows(trx, 'memory_ingests', [{ id: ingestId, idempotency_key: key, project_id: scope.projectId, session_id: null, result: '{}', created_at: now }]);
  const sessionId = await sessionFor(trx, ctx, input, scope, now);
  // A fresh literal per row, filled with Object.assign: Node 20's V8 writes every property that follows an
  // object spread (`{ ...base, id, ... }`) through a slow runtime path, microseconds per property and row.
  const shared = () => ({ project_id: scope.projectId, client_id: scope.clientId, session_id: sessionId, relevance_score: 1, usage_count: 0, pinned: 0, created_at: now, updated_at: now });
  const fallbackAt = input.session?.started_at ?? now;

  // Redacted once: the chunker, the summary and the decisions all read the same clean text.
  const redacted = input.turns.map((t) => ({ ...t, text: redactSecrets(t.text) }));
  const pieces = chunkRedactedTurns(redacted);
  // The pieces of one long turn share their neighbours' terms (one array): encoded once, not once per piece.
  const encodedContext = new Map<readonly string[], string>();
  const contextOf = (terms: readonly string[]) => {
    let encoded = encodedContext.get(terms);
    if (encoded === undefined) encodedContext.set(terms, (encoded = encodeTerms(terms)));
    return encoded;
  };
  const snippets: Row[] = pieces.map((p) => {
    const values = Object.assign(shared(), { id: newId(), category: 'conversation', title: null, dense_content: p.text, tags: extractTags(p.text),
      structured_data: JSON.stringify({ speaker: p.speaker, role: p.role }), source_refs: [p.ref], occurred_at: p.at ?? fallbackAt });
    // The piece's text is the snippet's whole text (no title), so the chunker's terms are its terms.
    return Object.assign(values, prepareMemory('context_snippet', values, p.terms), { context_terms: contextOf(p.contextTerms), context_count: p.contextTerms.length });
  });
  const seen = await existingPieces(trx, scope.projectId, snippets.map((s) => s.content_hash as string));
  const fresh = snippets.filter((s) => !seen.has(`${s.content_hash}|${(s.source_refs as string[])[0]}`));

  const contexts: Row[] = [];
  const cleanTurns = redacted.filter((t) => t.text.trim());
  if (cleanTurns.length >= SUMMARY_MIN_TURNS && fresh.length) {
    const summary = compressConversation(cleanTurns);
    if (summary.dense_summary && summary.source_refs.length) {
      const values = Object.assign(shared(), { id: newId(), machine_id: input.machine_id ?? null, context_type: 'session_summary',
        title: (input.session?.title ?? summary.title).slice(0, 200) || 'Conversation', dense_summary: summary.dense_summary,
        key_decisions: JSON.stringify(summary.key_decisions), current_state: summary.current_state || null, tags: summary.tags,
        source_refs: summary.source_refs, occurred_at: cleanTurns.at(-1)?.at ?? fallbackAt });
      const derived = prepareMemory('conversation_context', { ...values, key_decisions: summary.key_decisions });
      contexts.push(Object.assign(values, derived, { context_terms: '', context_count: 0 }));
    }
  }

  const freshRefs = new Set(fresh.map((s) => (s.source_refs as string[])[0]));
  const decisions: Row[] = cleanTurns.flatMap((t) => (freshRefs.has(t.ref) ? extractDecisions(t.text) : []).map((d) => {
    const values = Object.assign(shared(), { id: newId(), decision_type: d.decision_type, impact: d.impact, decision_text: d.decision_text, rationale: d.rationale,
      alternatives_considered: d.alternatives_considered, tags: extractTags(d.decision_text), source_refs: [t.ref], occurred_at: t.at ?? fallbackAt });
    return Object.assign(values, prepareMemory('decision_log', values), { context_terms: '', context_count: 0 });
  }));

  await insertItems(trx, 'context_snippet', fresh);
  await insertItems(trx, 'conversation_context', contexts);
  await insertItems(trx, 'decision_log', decisions);
  await indexBacklogWhenDue(trx);

  const all: [MemoryKind, Row][] = [...fresh.map((r) => ['context_snippet', r] as [MemoryKind, Row]),
    ...contexts.map((r) => ['conversation_context', r] as [MemoryKind, Row]), ...decisions.map((r) => ['decision_log', r] as [MemoryKind, Row])];
  const result: IngestOutput = {
    ingest_id: ingestId, session_id: sessionId, duplicate: false,
    stored: { snippets: fresh.length, contexts: contexts.length, decisions: decisions.length, skipped_duplicates: snippets.length - fresh.length },
    items: all.map(([kind, r]) => ({ id: r.id, kind, source_refs: r.source_refs as string[] })),
    tokens_in: input.turns.reduce((n, t) => n + countTokens(t.text), 0),
    tokens_stored: all.reduce((n, [, r]) => n + Number(r.tokens), 0),
  };
  const stored = JSON.stringify(result);
  await runCached(trx, 'ledger', [sessionId, stored, ingestId],
    () => trx.updateTable('memory_ingests').set({ session_id: sessionId, result: stored }).where('id', '=', ingestId));
  await deps.audit.record(trx, ctx, { action: 'ingest', entity: 'memory_ingests', entity_id: ingestId,
    changes: { project_id: scope.projectId, session_id: sessionId, turns: input.turns.length, ...result.stored, tokens_in: result.tokens_in, tokens_stored: result.tokens_stored } });
  return result;
}

/** Rows and their tag junction rows in batches: one statement per 200 rows, not one per item like the CRUD path. */
async function insertItems(trx: Kysely<any>, kind: MemoryKind, rows: Row[]) {
  if (!rows.length) return;
  const { entity, junction, column } = MEMORY_KINDS[kind];
  const tags = rows.map((r) => normalizeTags(r.tags as string[]));
  await insertMany(trx, entity.table, rows.map((r, i) => Object.assign({}, r, { tags: JSON.stringify(tags[i]), source_refs: JSON.stringify(r.source_refs) })));
  await insertMany(trx, junction, rows.flatMap((r, i) => tags[i]!.map((tag) => ({ [column]: r.id, tag }))));
}
