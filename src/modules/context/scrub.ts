import { AppError } from '../../core/errors.js';
import type { Entity } from '../../entities/define-entity.js';
import { redactSecrets } from '../../memory/redact.js';

/** The fields people and agents write prose into, per table; every json field is walked whole besides. */
const PROSE: Record<string, readonly string[]> = {
  conversation_contexts: ['context_type', 'title', 'dense_summary', 'current_state'],
  context_snippets: ['category', 'title', 'dense_content'],
  decision_logs: ['decision_type', 'decision_text', 'rationale', 'alternatives_considered'],
  project_states: ['current_phase', 'context_summary'],
};

/** Only text that redaction changed is trimmed, so what a client wrote otherwise round-trips exactly. */
const redact = (s: string) => {
  const r = redactSecrets(s);
  return r === s ? s : r.trim();
};

/** Every string in a json value, keys included; list entries that were nothing but a secret go. */
function redactJson(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.flatMap((v) => (typeof v === 'string' && v && !redact(v) ? [] : [redactJson(v)]));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactJson(v)]));
  return value;
}

/**
 * Secrets never reach storage (nor the audit log, which records the stored row): runs redactSecrets over
 * the prose and json fields present in `values`. A required text that is left empty is a 400, and a
 * redaction marker that lengthens a short text is clipped to its column.
 */
export function scrub(entity: Entity, values: Record<string, unknown>): Record<string, unknown> {
  const prose = PROSE[entity.table] ?? [];
  const out = { ...values };
  const errors = [];
  for (const [k, v] of Object.entries(values)) {
    const spec = entity.fields[k]?.spec;
    if (!spec || v == null) continue;
    if (spec.kind === 'json') out[k] = redactJson(v);
    else if (prose.includes(k) && typeof v === 'string') {
      let s = redact(v);
      if (spec.storage.type === 'varchar' && s.length > spec.storage.length) s = s.slice(0, spec.storage.length);
      if (!spec.nullable && !s.trim()) errors.push({ path: k, message: 'must not be empty (private blocks and secrets are removed)', code: 'empty' });
      out[k] = s;
    }
  }
  if (errors.length) throw AppError.validation(errors);
  return out;
}
