import { randomBytes } from 'node:crypto';
import type { Parents } from './msp.js';

const rand = () => randomBytes(4).toString('hex');

/** Random valid create bodies for the context-recall tables; tags are lowercase so they round-trip as sent. */
export const contextBuild = {
  conversation_context: (p: Partial<Parents>, o: Record<string, unknown> = {}) => ({
    project_id: p.project_id, session_id: p.session_id, context_type: 'checkpoint', title: `Checkpoint ${rand()}`,
    dense_summary: `Moved DNS to the new resolver ${rand()}`, key_decisions: ['use unbound'], current_state: 'Resolver running on dc01',
    tags: ['dns', 'unbound'], relevance_score: 6.5, occurred_at: '2026-03-01T10:00:00.000Z', source_refs: [`conv-1:D1:${rand()}`], ...o,
  }),
  context_snippet: (p: Partial<Parents>, o: Record<string, unknown> = {}) => ({
    project_id: p.project_id, session_id: p.session_id, category: 'lesson', title: `Lesson ${rand()}`,
    dense_content: `Restart unbound after editing its config ${rand()}`, structured_data: { service: 'unbound', port: 53 },
    tags: ['dns'], relevance_score: 3, source_refs: [`conv-1:D2:${rand()}`], ...o,
  }),
  decision_log: (p: Partial<Parents>, o: Record<string, unknown> = {}) => ({
    project_id: p.project_id, session_id: p.session_id, decision_type: 'architecture', impact: 'high',
    decision_text: `Use PostgreSQL for the portal ${rand()}`, rationale: 'The team knows it', alternatives_considered: 'MariaDB, SQLite',
    tags: ['postgres'], occurred_at: '2026-02-01T09:00:00.000Z', ...o,
  }),
  project_state: (projectId: string, o: Record<string, unknown> = {}) => ({
    project_id: projectId, current_phase: 'build', progress_percentage: 40, blockers: ['waiting on DNS'],
    next_actions: ['migrate the database'], key_files: ['src/app.ts'], important_decisions: ['PostgreSQL'],
    context_summary: `Portal half built ${rand()}`, ...o,
  }),
};
