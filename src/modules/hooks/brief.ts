import type { Kysely } from 'kysely';
import { countTokens } from '../../memory/tokens.js';
import type { HookScope } from './scope.js';

const day = (iso: unknown) => String(iso ?? '').slice(0, 10);
const oneLine = (s: unknown, max = 300) => String(s ?? '').replace(/\s+/g, ' ').trim().slice(0, max);
const list = (json: unknown): string[] => { try { return JSON.parse(String(json ?? '[]')); } catch { return []; } };

/**
 * "Where we left off" for a session start, phrased as dated facts (never as instructions): the project
 * state, the last other session's summary, open tasks, recent decisions. Sections are added in that order
 * while they fit the token budget, so the most useful part survives a small budget.
 */
export async function buildBrief(db: Kysely<any>, scope: HookScope, currentSession: string | undefined, budget: number): Promise<{ text: string; tokens: number }> {
  if (!scope.project_id && !scope.client_id) return { text: '', tokens: 0 };
  const where = (q: any) => (scope.project_id ? q.where('project_id', '=', scope.project_id) : q.where('client_id', '=', scope.client_id));
  const sections: string[] = [];

  if (scope.project_id) {
    const state = await db.selectFrom('project_states').selectAll().where('project_id', '=', scope.project_id).executeTakeFirst();
    if (state) {
      const parts = [state.current_phase && `phase ${oneLine(state.current_phase, 100)}`, Number(state.progress_percentage) ? `${state.progress_percentage}% done` : null].filter(Boolean);
      const next = list(state.next_actions).slice(0, 5).map((a) => oneLine(a, 200));
      const blockers = list(state.blockers).slice(0, 3).map((a) => oneLine(a, 200));
      sections.push([`Project ${scope.project_name ?? ''}${parts.length ? ` (${parts.join(', ')})` : ''}, state as of ${day(state.updated_at)}.`,
        ...(next.length ? [`Next actions: ${next.join('; ')}.`] : []), ...(blockers.length ? [`Blockers: ${blockers.join('; ')}.`] : [])].join('\n'));
    }
  }

  let last = where(db.selectFrom('sessions').select(['external_session_id', 'summary', 'started_at', 'ended_at']).where('summary', 'is not', null));
  if (currentSession) last = last.where('external_session_id', '!=', currentSession);
  const previous = await last.orderBy('started_at', 'desc').limit(1).executeTakeFirst();
  if (previous?.summary) sections.push(`Last session (${day(previous.ended_at ?? previous.started_at)}): ${oneLine(previous.summary, 1200)}`);

  const tasks = await where(db.selectFrom('tasks').select(['title', 'status']).where('status', 'in', ['pending', 'in_progress', 'blocked']))
    .orderBy('task_order').orderBy('created_at').limit(8).execute();
  if (tasks.length) sections.push(['Open tasks:', ...tasks.map((t: Record<string, unknown>) => `- ${oneLine(t.title, 200)} (${t.status})`)].join('\n'));

  const decisions = await where(db.selectFrom('decision_logs').select(['decision_text', 'created_at', 'occurred_at']))
    .orderBy('created_at', 'desc').limit(6).execute();
  if (decisions.length) sections.push(['Recent decisions:', ...decisions.map((d: Record<string, unknown>) => `- Decided ${day(d.occurred_at ?? d.created_at)}: ${oneLine(d.decision_text, 300)}`)].join('\n'));

  let text = '';
  for (const section of sections) {
    const next = text ? `${text}\n\n${section}` : section;
    if (countTokens(next) > budget) break;
    text = next;
  }
  return text ? { text: `ClaudeTools memory, where this work left off:\n\n${text}`, tokens: countTokens(text) } : { text: '', tokens: 0 };
}
