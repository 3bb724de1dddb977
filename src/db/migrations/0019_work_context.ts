import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

// Drafted by scripts/draft-migration.ts, reviewed, then frozen: never edit after it ships.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('file_changes')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('session_id', t.id, (c) => c.references('sessions.id').onDelete('set null'))
    .addColumn('work_item_id', t.id, (c) => c.references('work_items.id').onDelete('set null'))
    .addColumn('project_id', t.id, (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('machine_id', t.id, (c) => c.references('machines.id').onDelete('set null'))
    .addColumn('file_path', t.string(1000), (c) => c.notNull())
    .addColumn('change_type', t.string(18), (c) => c.notNull())
    .addColumn('tool', t.string(50))
    .addColumn('lines_added', t.int)
    .addColumn('lines_removed', t.int)
    .addColumn('summary', t.text(db))
    .addColumn('occurred_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('file_changes_session_id_idx').on('file_changes').column('session_id').execute();
  await db.schema.createIndex('file_changes_work_item_id_idx').on('file_changes').column('work_item_id').execute();
  await db.schema.createIndex('file_changes_project_id_idx').on('file_changes').column('project_id').execute();
  await db.schema.createIndex('file_changes_machine_id_idx').on('file_changes').column('machine_id').execute();
  await db.schema.createIndex('file_changes_change_type_idx').on('file_changes').column('change_type').execute();
  await db.schema.createIndex('file_changes_tool_idx').on('file_changes').column('tool').execute();
  await db.schema.createIndex('file_changes_occurred_at_idx').on('file_changes').column('occurred_at').execute();
  await db.schema.createIndex('file_changes_created_at_idx').on('file_changes').column('created_at').execute();
  await db.schema.createTable('command_runs')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('session_id', t.id, (c) => c.references('sessions.id').onDelete('set null'))
    .addColumn('work_item_id', t.id, (c) => c.references('work_items.id').onDelete('set null'))
    .addColumn('machine_id', t.id, (c) => c.references('machines.id').onDelete('set null'))
    .addColumn('command', t.text(db), (c) => c.notNull())
    .addColumn('cwd', t.string(1000))
    .addColumn('exit_code', t.int)
    .addColumn('success', t.bool)
    .addColumn('duration_ms', t.int)
    .addColumn('output_summary', t.text(db))
    .addColumn('occurred_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('command_runs_session_id_idx').on('command_runs').column('session_id').execute();
  await db.schema.createIndex('command_runs_work_item_id_idx').on('command_runs').column('work_item_id').execute();
  await db.schema.createIndex('command_runs_machine_id_idx').on('command_runs').column('machine_id').execute();
  await db.schema.createIndex('command_runs_success_idx').on('command_runs').column('success').execute();
  await db.schema.createIndex('command_runs_exit_code_idx').on('command_runs').column('exit_code').execute();
  await db.schema.createIndex('command_runs_occurred_at_idx').on('command_runs').column('occurred_at').execute();
  await db.schema.createIndex('command_runs_duration_ms_idx').on('command_runs').column('duration_ms').execute();
  await db.schema.createIndex('command_runs_created_at_idx').on('command_runs').column('created_at').execute();
  await db.schema.createTable('problem_solutions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('session_id', t.id, (c) => c.references('sessions.id').onDelete('set null'))
    .addColumn('work_item_id', t.id, (c) => c.references('work_items.id').onDelete('set null'))
    .addColumn('client_id', t.id, (c) => c.references('clients.id').onDelete('set null'))
    .addColumn('project_id', t.id, (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('problem', t.text(db), (c) => c.notNull())
    .addColumn('symptom', t.text(db))
    .addColumn('error_message', t.text(db))
    .addColumn('root_cause', t.text(db))
    .addColumn('solution', t.text(db), (c) => c.notNull())
    .addColumn('verification', t.text(db))
    .addColumn('recurrence_count', t.int, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('problem_solutions_session_id_idx').on('problem_solutions').column('session_id').execute();
  await db.schema.createIndex('problem_solutions_work_item_id_idx').on('problem_solutions').column('work_item_id').execute();
  await db.schema.createIndex('problem_solutions_client_id_idx').on('problem_solutions').column('client_id').execute();
  await db.schema.createIndex('problem_solutions_project_id_idx').on('problem_solutions').column('project_id').execute();
  await db.schema.createIndex('problem_solutions_recurrence_count_idx').on('problem_solutions').column('recurrence_count').execute();
  await db.schema.createIndex('problem_solutions_created_at_idx').on('problem_solutions').column('created_at').execute();
  await db.schema.createTable('environmental_insights')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('client_id', t.id, (c) => c.references('clients.id').onDelete('cascade'))
    .addColumn('infrastructure_id', t.id, (c) => c.references('infrastructure.id').onDelete('set null'))
    .addColumn('category', t.string(31), (c) => c.notNull())
    .addColumn('title', t.string(300), (c) => c.notNull())
    .addColumn('description', t.text(db), (c) => c.notNull())
    .addColumn('examples', t.json(db))
    .addColumn('confidence', t.string(19), (c) => c.notNull())
    .addColumn('verification_count', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('last_verified_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('environmental_insights_client_id_idx').on('environmental_insights').column('client_id').execute();
  await db.schema.createIndex('environmental_insights_infrastructure_id_idx').on('environmental_insights').column('infrastructure_id').execute();
  await db.schema.createIndex('environmental_insights_category_idx').on('environmental_insights').column('category').execute();
  await db.schema.createIndex('environmental_insights_confidence_idx').on('environmental_insights').column('confidence').execute();
  await db.schema.createIndex('environmental_insights_verification_count_idx').on('environmental_insights').column('verification_count').execute();
  await db.schema.createIndex('environmental_insights_last_verified_at_idx').on('environmental_insights').column('last_verified_at').execute();
  await db.schema.createIndex('environmental_insights_created_at_idx').on('environmental_insights').column('created_at').execute();
  await db.schema.createTable('failure_patterns')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('client_id', t.id, (c) => c.references('clients.id').onDelete('cascade'))
    .addColumn('infrastructure_id', t.id, (c) => c.references('infrastructure.id').onDelete('set null'))
    .addColumn('pattern_type', t.string(34), (c) => c.notNull())
    .addColumn('signature', t.string(200), (c) => c.notNull())
    .addColumn('error_pattern', t.text(db))
    .addColumn('triggering_command', t.text(db))
    .addColumn('root_cause', t.text(db))
    .addColumn('recommended_solution', t.text(db))
    .addColumn('occurrence_count', t.int, (c) => c.notNull().defaultTo(1))
    .addColumn('first_seen_at', t.timestamp)
    .addColumn('last_seen_at', t.timestamp)
    .addColumn('severity', t.string(18), (c) => c.notNull())
    .addColumn('is_active', t.bool, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('failure_patterns_signature_client_id_infrastructure_id_key', ['signature', 'client_id', 'infrastructure_id'])
    .execute();
  await db.schema.createIndex('failure_patterns_client_id_idx').on('failure_patterns').column('client_id').execute();
  await db.schema.createIndex('failure_patterns_infrastructure_id_idx').on('failure_patterns').column('infrastructure_id').execute();
  await db.schema.createIndex('failure_patterns_pattern_type_idx').on('failure_patterns').column('pattern_type').execute();
  await db.schema.createIndex('failure_patterns_severity_idx').on('failure_patterns').column('severity').execute();
  await db.schema.createIndex('failure_patterns_is_active_idx').on('failure_patterns').column('is_active').execute();
  await db.schema.createIndex('failure_patterns_occurrence_count_idx').on('failure_patterns').column('occurrence_count').execute();
  await db.schema.createIndex('failure_patterns_last_seen_at_idx').on('failure_patterns').column('last_seen_at').execute();
  await db.schema.createIndex('failure_patterns_created_at_idx').on('failure_patterns').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('failure_patterns').execute();
  await db.schema.dropTable('environmental_insights').execute();
  await db.schema.dropTable('problem_solutions').execute();
  await db.schema.dropTable('command_runs').execute();
  await db.schema.dropTable('file_changes').execute();
}
