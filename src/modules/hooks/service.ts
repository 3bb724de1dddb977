import type { RequestContext } from '../../core/context.js';
import { assertAccess } from '../../entities/policy.js';
import { buildBrief } from './brief.js';
import { applyEvent, type EventDeps } from './events.js';
import type { HookEvent } from './schemas.js';
import { resolveScope } from './scope.js';

/** What the Claude Code hook client talks to: idempotent event delivery, scope detection and the session-start brief. */
export function createHookService(deps: EventDeps) {
  return {
    /** Applies events in order, each exactly once; one failing stops the batch so the client retries it and the rest. */
    async applyEvents(ctx: RequestContext, events: HookEvent[]) {
      assertAccess(ctx, 'technician', true);
      let applied = 0;
      let duplicates = 0;
      for (const event of events) {
        if (await applyEvent(deps, ctx, event)) applied++;
        else duplicates++;
      }
      return { applied, duplicates };
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
