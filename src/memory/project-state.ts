import { dropFiller } from './filler.js';
import { groupByDirectory } from './file-changes.js';

export interface ProjectStateInput {
  current_phase?: string | null;
  progress_percentage?: number | null;
  blockers?: string[] | null;
  next_actions?: string[] | null;
  key_files?: string[] | null;
  context_summary?: string | null;
  important_decisions?: string[] | null;
}

function list(items: string[] | null | undefined): string[] {
  const out: string[] = [];
  for (const item of items ?? []) {
    const text = dropFiller(item ?? '').replace(/\s*\n\s*/g, ' ').replace(/[.;!\s]+$/, '');
    if (text && !out.some((o) => o.toLowerCase() === text.toLowerCase())) out.push(text);
  }
  return out;
}

/**
 * A project's state in a few lines, each omitted when empty:
 * "Phase: build (60%)", "Summary: …", "Blockers: a; b", "Next: a; b", "Decisions: a; b",
 * "Files: src/memory/: a.ts, b.ts; test/: c.ts" (files grouped by directory, every name kept).
 */
export function compressProjectState(state: ProjectStateInput): string {
  const lines: string[] = [];
  const phase = dropFiller(state.current_phase ?? '').replace(/\s+/g, ' ');
  const p = state.progress_percentage;
  const progress = typeof p === 'number' && Number.isFinite(p) ? `${Math.round(Math.min(100, Math.max(0, p)))}%` : '';
  if (phase) lines.push(`Phase: ${phase}${progress ? ` (${progress})` : ''}`);
  else if (progress) lines.push(`Progress: ${progress}`);
  const summary = dropFiller(state.context_summary ?? '').replace(/\s*\n\s*/g, ' ');
  if (summary) lines.push(`Summary: ${summary}`);
  for (const [label, items] of [['Blockers', state.blockers], ['Next', state.next_actions], ['Decisions', state.important_decisions]] as const) {
    const l = list(items);
    if (l.length) lines.push(`${label}: ${l.join('; ')}`);
  }
  const files = groupByDirectory((state.key_files ?? []).filter((f) => f && f.trim()), (f) => f, (name) => name);
  if (files) lines.push(`Files: ${files}`);
  return lines.join('\n');
}
