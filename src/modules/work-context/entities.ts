import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

/** What an agent leaves behind: files it changed, commands it ran, problems it solved, what failed and why. */
export const FileChange = defineEntity({
  name: 'file change', plural: 'file changes', table: 'file_changes',
  fields: {
    session_id: f.ref('sessions', { onDelete: 'set null' }).optional(),
    work_item_id: f.ref('work_items', { onDelete: 'set null' }).optional(),
    project_id: f.ref('projects', { onDelete: 'set null' }).optional(),
    machine_id: f.ref('machines', { onDelete: 'set null' }).optional(),
    file_path: f.text({ max: 1000, min: 1 }),
    change_type: f.enum(['created', 'modified', 'deleted', 'renamed']).default('modified'),
    tool: f.text({ max: 50 }).optional().describe('The tool that made the change: Edit, Write, MultiEdit, NotebookEdit, ...'),
    lines_added: f.int({ min: 0 }).optional(),
    lines_removed: f.int({ min: 0 }).optional(),
    summary: f.text({ max: 2000 }).optional(),
    occurred_at: f.timestamp().optional(),
  },
  list: { filter: ['session_id', 'work_item_id', 'project_id', 'machine_id', 'change_type', 'tool'], search: ['file_path', 'summary'], sort: ['occurred_at', 'created_at'], defaultSort: '-created_at' },
  clientScope: { via: 'project_id' },
});

export const CommandRun = defineEntity({
  name: 'command run', plural: 'command runs', table: 'command_runs',
  fields: {
    session_id: f.ref('sessions', { onDelete: 'set null' }).optional(),
    work_item_id: f.ref('work_items', { onDelete: 'set null' }).optional(),
    machine_id: f.ref('machines', { onDelete: 'set null' }).optional(),
    command: f.text({ max: 10_000, min: 1 }).describe('The command, with secrets redacted'),
    cwd: f.text({ max: 1000 }).optional(),
    exit_code: f.int().optional(),
    success: f.bool().optional(),
    duration_ms: f.int({ min: 0 }).optional(),
    output_summary: f.text({ max: 4000 }).optional().describe('Bounded and redacted'),
    occurred_at: f.timestamp().optional(),
  },
  list: { filter: ['session_id', 'work_item_id', 'machine_id', 'success', 'exit_code'], search: ['command', 'output_summary'], sort: ['occurred_at', 'duration_ms', 'created_at'], defaultSort: '-created_at' },
  clientScope: { via: 'session_id' },
});

export const ProblemSolution = defineEntity({
  name: 'problem solution', plural: 'problem solutions', table: 'problem_solutions',
  fields: {
    session_id: f.ref('sessions', { onDelete: 'set null' }).optional(),
    work_item_id: f.ref('work_items', { onDelete: 'set null' }).optional(),
    client_id: f.ref('clients', { onDelete: 'set null' }).optional(),
    project_id: f.ref('projects', { onDelete: 'set null' }).optional(),
    problem: f.text({ max: 2000, min: 1 }),
    symptom: f.longText(10_000).optional(),
    error_message: f.longText(10_000).optional(),
    root_cause: f.longText(10_000).optional(),
    solution: f.longText(20_000),
    verification: f.longText(10_000).optional(),
    recurrence_count: f.int({ min: 0 }).default(1),
  },
  list: { filter: ['session_id', 'work_item_id', 'client_id', 'project_id'], search: ['problem', 'solution', 'error_message'], sort: ['recurrence_count', 'created_at', 'updated_at'] },
  clientScope: 'client_id',
});

export const EnvironmentalInsight = defineEntity({
  name: 'environmental insight', plural: 'environmental insights', table: 'environmental_insights',
  fields: {
    client_id: f.ref('clients', { onDelete: 'cascade' }).optional(),
    infrastructure_id: f.ref('infrastructure', { onDelete: 'set null' }).optional(),
    category: f.enum(['command_constraints', 'service_configuration', 'version_limitations', 'custom_installations', 'network_constraints', 'permissions']),
    title: f.text({ max: 300, min: 1 }),
    description: f.longText(20_000),
    examples: f.json(z.array(z.string().max(2000)).max(50)).optional(),
    confidence: f.enum(['confirmed', 'likely', 'suspected']).default('likely'),
    verification_count: f.int({ min: 0 }).default(0),
    last_verified_at: f.timestamp().optional(),
  },
  list: { filter: ['client_id', 'infrastructure_id', 'category', 'confidence'], search: ['title', 'description'], sort: ['title', 'verification_count', 'last_verified_at', 'created_at'] },
  clientScope: 'client_id',
});

export const FailurePattern = defineEntity({
  name: 'failure pattern', plural: 'failure patterns', table: 'failure_patterns',
  fields: {
    client_id: f.ref('clients', { onDelete: 'cascade' }).optional(),
    infrastructure_id: f.ref('infrastructure', { onDelete: 'set null' }).optional(),
    pattern_type: f.enum(['command_compatibility', 'version_mismatch', 'permission_denied', 'service_unavailable', 'configuration_error', 'environmental_limitation']),
    signature: f.text({ max: 200, min: 1 }).describe('A stable fingerprint of the failure; unique per client and infrastructure'),
    error_pattern: f.text({ max: 2000 }).optional(),
    triggering_command: f.text({ max: 2000 }).optional(),
    root_cause: f.longText(10_000).optional(),
    recommended_solution: f.longText(10_000).optional(),
    occurrence_count: f.int({ min: 0 }).default(1),
    first_seen_at: f.timestamp().optional(),
    last_seen_at: f.timestamp().optional(),
    severity: f.enum(['low', 'medium', 'high', 'critical']).default('medium'),
    is_active: f.bool().default(true),
  },
  list: { filter: ['client_id', 'infrastructure_id', 'pattern_type', 'severity', 'is_active', 'signature'], search: ['signature', 'error_pattern', 'triggering_command'], sort: ['occurrence_count', 'last_seen_at', 'severity', 'created_at'] },
  clientScope: 'client_id',
  unique: [['signature', 'client_id', 'infrastructure_id']],
  ordered: [['first_seen_at', 'last_seen_at']],
});
