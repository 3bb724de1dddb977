import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { constraintViolation } from '../../db/dialect.js';
import { assertAccess } from '../../entities/policy.js';
import { buildBrief } from './brief.js';
import { applyEvent, type EventDeps } from './events.js';
import type { HookEvent } from './schemas.js';
import { resolveScope } from './scope.js';

/** What the Claude Code hook client talks to: idempotent event delivery, scope detection and the session-start brief. */
export function createHookService(deps: EventDeps) {
  return {
    /**
     * Applies events in order, each exactly once. An event that can never apply (it names a row that is gone) is
     * answered as rejected and the rest go on; a failure that may pass (the database busy or down) fails the
     * request, so the client keeps the batch and retries it.
     */
    async applyEvents(ctx: RequestContext, events: HookEvent[]) {
      assertAccess(ctx, 'technician', true);
      let applied = 0;
      let duplicates = 0;
      const rejected: { key: string; reason: string }[] = [];
      for (const event of events) {
        try {
          if (await applyEvent(deps, ctx, event)) applied++;
          else duplicates++;
        } catch (err) {
          if (!(err instanceof AppError && err.status < 500) && constraintViolation(err)?.kind !== 'foreign_key') throw err;
          rejected.push({ key: event.key, reason: (err as Error).message.slice(0, 300) });
        }
      }
      return { applied, duplicates, rejected };
    },
    async scope(ctx: RequestContext, input: { cwd?: string; git_remote?: string; project_id?: string; client_id?: string }) {
      assertAccess(ctx, 'viewer', false);
      return resolveScope(deps.db, ctx, input);
    },
    async brief(ctx: RequestContext, input: { cwd?: string; git_remote?: string; project_id?: string; client_id?: string; session?: string; token_budget: number }) {
      const scope = await this.scope(ctx, input);
      return { ...scope, ...(await buildBrief(deps.db, scope, input.session, input.token_budget)) };
    },
  };
}

export type HookService = ReturnType<typeof createHookService>;
