import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { createCrudService, type CrudDeps } from '../../entities/crud-service.js';
import { Session } from './entity.js';

export interface EndSessionInput {
  ended_at?: string;
  summary?: string;
  status?: 'completed' | 'abandoned';
}

const minutesBetween = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 60_000));

/** Sessions start now unless told otherwise; whenever ended_at is set the duration is recomputed. */
export function createSessionService(deps: CrudDeps) {
  const crud = createCrudService(Session, deps, {
    beforeCreate(values) {
      const started = String(values.started_at ?? deps.clock.now().toISOString());
      return { ...values, started_at: started, duration_minutes: values.ended_at ? minutesBetween(started, String(values.ended_at)) : null };
    },
    beforeUpdate(patch, current) {
      const started = String(patch.started_at ?? current.started_at);
      const ended = patch.ended_at !== undefined ? patch.ended_at : current.ended_at;
      return { ...patch, duration_minutes: ended ? minutesBetween(started, String(ended)) : null };
    },
  });
  return {
    ...crud,
    /** Ends an active session now (or at ended_at), marking it completed unless told abandoned. */
    async end(ctx: RequestContext, id: string, input: EndSessionInput) {
      const current = await crud.get(ctx, id);
      if (current.ended_at) throw AppError.conflict('This session has already ended', 'already_ended');
      return crud.update(ctx, id, {
        ended_at: input.ended_at ?? deps.clock.now().toISOString(),
        status: input.status ?? 'completed',
        ...(input.summary !== undefined ? { summary: input.summary } : {}),
      });
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
