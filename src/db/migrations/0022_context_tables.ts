import { sql, type Kysely } from 'kysely';
import { dialectOf, types as t } from '../dialect.js';

/** Tag links of the three recallable kinds: (item, tag) pairs so tag queries use an index, not a json scan. */
const JUNCTIONS = [['conversation_context_tags', 'context_id', 'conversation_contexts'],
  ['context_snippet_tags', 'snippet_id', 'context_snippets'], ['decision_log_tags', 'decision_id', 'decision_logs']] as const;

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('conversation_contexts')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('project_id', t.id, (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('client_id', t.id, (c) => c.references('clients.id').onDelete('set null'))
    .addColumn('session_id', t.id, (c) => c.references('sessions.id').onDelete('set null'))
    .addColumn('machine_id', t.id, (c) => c.references('machines.id').onDelete('set null'))
    .addColumn('context_type', t.string(50), (c) => c.notNull())
    .addColumn('title', t.string(200), (c) => c.notNull())
    .addColumn('dense_summary', t.text(db))
    .addColumn('key_decisions', t.json(db))
    .addColumn('current_state', t.text(db))
    .addColumn('tags', t.json(db), (c) => c.notNull())
    .addColumn('relevance_score', t.double, (c) => c.notNull().defaultTo(1))
    .addColumn('usage_count', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('last_used_at', t.timestamp)
    .addColumn('pinned', t.bool, (c) => c.notNull().defaultTo(0))
    .addColumn('occurred_at', t.timestamp)
    .addColumn('source_refs', t.json(db), (c) => c.notNull())
    .addColumn('content_hash', t.string(64), (c) => c.notNull())
    .addColumn('search_terms', t.text(db))
    .addColumn('term_count', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('tokens', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversation_contexts_project_id_idx').on('conversation_contexts').column('project_id').execute();
  await db.schema.createIndex('conversation_contexts_client_id_idx').on('conversation_contexts').column('client_id').execute();
  await db.schema.createIndex('conversation_contexts_session_id_idx').on('conversation_contexts').column('session_id').execute();
  await db.schema.createIndex('conversation_contexts_machine_id_idx').on('conversation_contexts').column('machine_id').execute();
  await db.schema.createIndex('conversation_contexts_context_type_idx').on('conversation_contexts').column('context_type').execute();
  await db.schema.createIndex('conversation_contexts_content_hash_idx').on('conversation_contexts').column('content_hash').execute();
  await db.schema.createIndex('conversation_contexts_relevance_score_idx').on('conversation_contexts').column('relevance_score').execute();
  await db.schema.createIndex('conversation_contexts_usage_count_idx').on('conversation_contexts').column('usage_count').execute();
  await db.schema.createIndex('conversation_contexts_created_at_idx').on('conversation_contexts').column('created_at').execute();
  await db.schema.createTable('context_snippets')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('project_id', t.id, (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('client_id', t.id, (c) => c.references('clients.id').onDelete('set null'))
    .addColumn('session_id', t.id, (c) => c.references('sessions.id').onDelete('set null'))
    .addColumn('category', t.string(100), (c) => c.notNull())
    .addColumn('title', t.string(200))
    .addColumn('dense_content', t.text(db), (c) => c.notNull())
    .addColumn('structured_data', t.json(db))
    .addColumn('tags', t.json(db), (c) => c.notNull())
    .addColumn('relevance_score', t.double, (c) => c.notNull().defaultTo(1))
    .addColumn('usage_count', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('last_used_at', t.timestamp)
    .addColumn('pinned', t.bool, (c) => c.notNull().defaultTo(0))
    .addColumn('occurred_at', t.timestamp)
    .addColumn('source_refs', t.json(db), (c) => c.notNull())
    .addColumn('content_hash', t.string(64), (c) => c.notNull())
    .addColumn('search_terms', t.text(db))
    .addColumn('term_count', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('tokens', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('context_snippets_project_id_idx').on('context_snippets').column('project_id').execute();
  await db.schema.createIndex('context_snippets_client_id_idx').on('context_snippets').column('client_id').execute();
  await db.schema.createIndex('context_snippets_session_id_idx').on('context_snippets').column('session_id').execute();
  await db.schema.createIndex('context_snippets_category_idx').on('context_snippets').column('category').execute();
  await db.schema.createIndex('context_snippets_content_hash_idx').on('context_snippets').column('content_hash').execute();
  await db.schema.createIndex('context_snippets_relevance_score_idx').on('context_snippets').column('relevance_score').execute();
  await db.schema.createIndex('context_snippets_usage_count_idx').on('context_snippets').column('usage_count').execute();
  await db.schema.createIndex('context_snippets_created_at_idx').on('context_snippets').column('created_at').execute();
  await db.schema.createTable('project_states')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('project_id', t.id, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('last_session_id', t.id, (c) => c.references('sessions.id').onDelete('set null'))
    .addColumn('current_phase', t.string(100))
    .addColumn('progress_percentage', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('blockers', t.json(db), (c) => c.notNull())
    .addColumn('next_actions', t.json(db), (c) => c.notNull())
    .addColumn('key_files', t.json(db), (c) => c.notNull())
    .addColumn('important_decisions', t.json(db), (c) => c.notNull())
    .addColumn('context_summary', t.text(db))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('project_states_project_id_key', ['project_id'])
    .execute();
  await db.schema.createIndex('project_states_last_session_id_idx').on('project_states').column('last_session_id').execute();
  await db.schema.createIndex('project_states_created_at_idx').on('project_states').column('created_at').execute();
  await db.schema.createTable('decision_logs')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('project_id', t.id, (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('client_id', t.id, (c) => c.references('clients.id').onDelete('set null'))
    .addColumn('session_id', t.id, (c) => c.references('sessions.id').onDelete('set null'))
    .addColumn('decision_type', t.string(100), (c) => c.notNull())
    .addColumn('impact', t.string(18), (c) => c.notNull())
    .addColumn('decision_text', t.text(db), (c) => c.notNull())
    .addColumn('rationale', t.text(db))
    .addColumn('alternatives_considered', t.text(db))
    .addColumn('tags', t.json(db), (c) => c.notNull())
    .addColumn('relevance_score', t.double, (c) => c.notNull().defaultTo(1))
    .addColumn('usage_count', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('last_used_at', t.timestamp)
    .addColumn('pinned', t.bool, (c) => c.notNull().defaultTo(0))
    .addColumn('occurred_at', t.timestamp)
    .addColumn('source_refs', t.json(db), (c) => c.notNull())
    .addColumn('content_hash', t.string(64), (c) => c.notNull())
    .addColumn('search_terms', t.text(db))
    .addColumn('term_count', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('tokens', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('decision_logs_project_id_idx').on('decision_logs').column('project_id').execute();
  await db.schema.createIndex('decision_logs_client_id_idx').on('decision_logs').column('client_id').execute();
  await db.schema.createIndex('decision_logs_session_id_idx').on('decision_logs').column('session_id').execute();
  await db.schema.createIndex('decision_logs_decision_type_idx').on('decision_logs').column('decision_type').execute();
  await db.schema.createIndex('decision_logs_impact_idx').on('decision_logs').column('impact').execute();
  await db.schema.createIndex('decision_logs_content_hash_idx').on('decision_logs').column('content_hash').execute();
  await db.schema.createIndex('decision_logs_relevance_score_idx').on('decision_logs').column('relevance_score').execute();
  await db.schema.createIndex('decision_logs_usage_count_idx').on('decision_logs').column('usage_count').execute();
  await db.schema.createIndex('decision_logs_created_at_idx').on('decision_logs').column('created_at').execute();
  // Tags are stored normalized (lowercase, NFKC) and matched exactly; MariaDB's default collation would
  // fold accents and make "café" and "cafe" one primary key.
  const tagType = dialectOf(db) === 'mysql' ? sql`varchar(100) character set utf8mb4 collate utf8mb4_bin` : t.string(100);
  for (const [table, column, target] of JUNCTIONS) {
    await db.schema.createTable(table)
      .addColumn(column, t.id, (c) => c.notNull().references(`${target}.id`).onDelete('cascade'))
      .addColumn('tag', tagType, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pkey`, [column, 'tag'])
      .execute();
    await db.schema.createIndex(`${table}_tag_idx`).on(table).column('tag').execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table] of [...JUNCTIONS].reverse()) await db.schema.dropTable(table).execute();
  for (const table of ['decision_logs', 'project_states', 'context_snippets', 'conversation_contexts']) await db.schema.dropTable(table).execute();
}
