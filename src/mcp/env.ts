import type { Services } from '../app.js';
import type { RequestContext } from '../core/context.js';
import { createHandles, type Handles } from './handles.js';

/** What every tool and resource gets: the services the REST routes use, and who is asking. */
export interface McpEnv {
  services: Services;
  ctx: RequestContext;
  handles: Handles;
  /** Called with an unexpected (non-AppError) failure, to log it; the client only hears that it failed. */
  onError?: (err: unknown) => void;
}

export const mcpEnv = (services: Services, ctx: RequestContext, onError?: (err: unknown) => void): McpEnv =>
  ({ services, ctx, handles: createHandles(services, ctx), onError });
