import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

/**
 * What context recall stores: conversation summaries, snippets, one state per project, decisions.
 * The three recallable kinds share the columns recall ranks on (tags, relevance, usage, pinning, time,
 * source refs) and the ones the server derives from the text (content_hash, search_terms, term_count, tokens).
 * Plain strings inside json fields (no zod transforms): they are validated in and serialized out with the
 * same schema, and the service normalizes them (tags lowercased and deduplicated).
 */
const Tags = z.array(z.string().min(1).max(100)).max(100);
const TextList = (item: number, items: number) => z.array(z.string().max(item)).max(items);

const recallColumns = {
  tags: f.json(Tags).default([]).describe('Lowercase tags; queryable through a junction table'),
  relevance_score: f.number({ min: 0, max: 10 }).default(1).describe('How much this item matters, 0 to 10'),
  usage_count: f.int({ min: 0 }).default(0).readOnly().describe('Times recall or a client used it'),
  last_used_at: f.timestamp().optional().readOnly(),
  pinned: f.bool().default(false).describe('Pinned items rank first'),
  occurred_at: f.timestamp().optional().describe('When the content happened (not when it was stored)'),
  source_refs: f.json(TextList(300, 2000)).default([]).describe('Ids of the turns or events this item was made from'),
  content_hash: f.text({ max: 64 }).readOnly().describe('sha256 of the normalized text, for deduplication'),
  search_terms: f.longText().optional().readOnly().hidden(),
  term_count: f.int({ min: 0 }).default(0).readOnly().hidden(),
  scope_terms: f.text({ max: 200 }).optional().readOnly().hidden(),
  tokens: f.int({ min: 0 }).default(0).readOnly().describe('cl100k tokens of the text'),
};

const scopeRefs = {
  project_id: f.ref('projects', { onDelete: 'set null' }).optional(),
  client_id: f.ref('clients', { onDelete: 'set null' }).optional().describe("Taken from the project's client when left out; null for global"),
  session_id: f.ref('sessions', { onDelete: 'set null' }).optional(),
};

export const ConversationContext = defineEntity({
  name: 'conversation context', plural: 'conversation contexts', table: 'conversation_contexts',
  fields: {
    ...scopeRefs,
    machine_id: f.ref('machines', { onDelete: 'set null' }).optional(),
    context_type: f.text({ max: 50, min: 1 }).default('session_summary').describe('session_summary, checkpoint, handoff, conversation, ...'),
    title: f.text({ max: 200, min: 1 }),
    dense_summary: f.longText(200_000).optional(),
    key_decisions: f.json(TextList(5000, 500)).optional(),
    current_state: f.longText(100_000).optional(),
    ...recallColumns,
    expires_at: f.timestamp().optional(),
  },
  list: {
    filter: ['session_id', 'project_id', 'client_id', 'machine_id', 'context_type', 'pinned', 'content_hash'],
    search: ['title', 'dense_summary', 'current_state'],
    sort: ['relevance_score', 'usage_count', 'last_used_at', 'occurred_at', 'title', 'created_at', 'updated_at'],
  },
  clientScope: 'client_id',
});

export const ContextSnippet = defineEntity({
  name: 'context snippet', plural: 'context snippets', table: 'context_snippets',
  fields: {
    ...scopeRefs,
    category: f.text({ max: 100, min: 1 }).default('fact').describe('decision, pattern, fact, lesson, command, config, conversation, ...'),
    title: f.text({ max: 200 }).optional(),
    dense_content: f.longText(100_000),
    structured_data: f.json(z.record(z.string().max(200), z.unknown())).optional(),
    ...recallColumns,
    expires_at: f.timestamp().optional(),
  },
  list: {
    filter: ['project_id', 'client_id', 'session_id', 'category', 'pinned', 'content_hash'],
    search: ['title', 'dense_content'],
    sort: ['relevance_score', 'usage_count', 'last_used_at', 'occurred_at', 'title', 'created_at', 'updated_at'],
  },
  clientScope: 'client_id',
});

export const IMPACTS = ['low', 'medium', 'high', 'critical'] as const;

export const DecisionLog = defineEntity({
  name: 'decision log', plural: 'decision logs', table: 'decision_logs',
  fields: {
    ...scopeRefs,
    decision_type: f.text({ max: 100, min: 1 }).default('technical').describe('architecture, technology, process, security, ...'),
    impact: f.enum(IMPACTS).default('medium'),
    decision_text: f.longText(50_000),
    rationale: f.longText(50_000).optional(),
    alternatives_considered: f.longText(50_000).optional(),
    ...recallColumns,
  },
  list: {
    filter: ['project_id', 'client_id', 'session_id', 'decision_type', 'impact', 'pinned', 'content_hash'],
    search: ['decision_text', 'rationale'],
    sort: ['relevance_score', 'usage_count', 'last_used_at', 'occurred_at', 'created_at', 'updated_at'],
  },
  clientScope: 'client_id',
});

export const ProjectState = defineEntity({
  name: 'project state', plural: 'project states', table: 'project_states',
  fields: {
    project_id: f.ref('projects', { onDelete: 'cascade' }).immutable().describe('One state per project'),
    last_session_id: f.ref('sessions', { onDelete: 'set null' }).optional(),
    current_phase: f.text({ max: 100 }).optional(),
    progress_percentage: f.int({ min: 0, max: 100 }).default(0),
    blockers: f.json(TextList(2000, 500)).default([]),
    next_actions: f.json(TextList(2000, 500)).default([]),
    key_files: f.json(TextList(1000, 2000)).default([]),
    important_decisions: f.json(TextList(5000, 500)).default([]),
    context_summary: f.longText(100_000).optional(),
  },
  list: {
    filter: ['project_id', 'last_session_id', 'current_phase'],
    search: ['current_phase', 'context_summary'],
    sort: ['progress_percentage', 'current_phase', 'created_at', 'updated_at'],
    defaultSort: '-updated_at',
  },
  clientScope: { via: 'project_id' },
  unique: [['project_id']],
});
