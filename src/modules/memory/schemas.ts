import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());

export const TurnInput = z.strictObject({
  ref: z.string().min(1).max(300).describe('Stable id of the turn in its source; stored items list the refs they were made from'),
  role: z.enum(['user', 'assistant', 'system', 'tool']).optional(),
  speaker: z.string().max(100).optional(),
  text: z.string().max(200_000).describe('Up to 200,000 characters; secrets are redacted and <private> blocks dropped before storage'),
  at: isoTime.optional().describe('When the turn happened'),
});

export const IngestBody = z.strictObject({
  project_id: z.uuid().optional(),
  client_id: z.uuid().optional(),
  machine_id: z.uuid().optional(),
  session: z.strictObject({
    external_id: z.string().min(1).max(200).describe('Claude Code session id or any id of yours; the same id continues the same session'),
    started_at: isoTime.optional(),
    title: z.string().max(300).optional(),
  }).optional(),
  turns: z.array(TurnInput).min(1).max(5000),
  idempotency_key: z.string().min(1).max(100).optional().describe('The same key twice stores once; defaults to a hash of the request'),
});
export type IngestInput = z.infer<typeof IngestBody>;

export const StoredRef = z.object({ id: z.string(), kind: z.string(), source_refs: z.array(z.string()) });
export const IngestResult = z.object({
  ingest_id: z.string(),
  session_id: z.string().nullable(),
  duplicate: z.boolean().describe('True when this request (or its idempotency key) was already ingested: nothing new was stored'),
  stored: z.object({ snippets: z.number(), contexts: z.number(), decisions: z.number(), skipped_duplicates: z.number() }),
  items: z.array(StoredRef),
  tokens_in: z.number(),
  tokens_stored: z.number(),
});
export type IngestOutput = z.infer<typeof IngestResult>;

export const RecallBody = z.strictObject({
  query: z.string().trim().min(1, 'query must not be empty').max(10_000),
  project_id: z.uuid().optional(),
  client_id: z.uuid().optional(),
  tags: z.array(z.string().min(1).max(100).transform((t) => t.toLowerCase())).max(20).default([]).describe('Only items carrying at least one of these tags'),
  token_budget: z.int().min(50).max(100_000).default(1000).describe('cl100k tokens; both the items and the text stay within it'),
  limit: z.int().min(1).max(500).default(10),
  as_of: isoTime.optional().describe('Recall as if it were this time: later items are left out and recency counts from here'),
  explain: z.boolean().default(false),
  record_usage: z.boolean().default(true).describe('Count this recall as a use of the items returned'),
});
export type RecallInput = z.infer<typeof RecallBody>;

const Breakdown = z.object({ text: z.number(), bm25: z.number(), tags: z.number(), scope: z.number(), recency: z.number(), usage: z.number(), relevance: z.number(), pinned: z.number() });
export const RecallItem = z.object({
  id: z.string(), kind: z.string(), title: z.string().nullable(), text: z.string(), score: z.number(),
  source_refs: z.array(z.string()), tags: z.array(z.string()), created_at: z.string(), occurred_at: z.string().nullable(), tokens: z.number(),
  explain: Breakdown.optional(),
});
export const RecallResult = z.object({ items: z.array(RecallItem), text: z.string(), tokens: z.number(), candidates: z.number() });
export type RecallOutput = z.infer<typeof RecallResult>;
