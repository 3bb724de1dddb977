/** Who is acting, and from where: passed explicitly into every service call. */
export type Role = 'admin' | 'technician' | 'viewer';

export interface Actor {
  user_id: string;
  email: string;
  role: Role;
  /** null means every client; otherwise the ids of the clients this actor may see. */
  client_scope: string[] | null;
  /** Set when the request authenticated with an API key. */
  api_key_id?: string;
  /** API key scopes, when narrower than the user's own rights. */
  scopes?: string[] | null;
  machine_id?: string | null;
}

export interface RequestContext {
  actor: Actor | null;
  ip?: string;
  request_id?: string;
  user_agent?: string;
}

/** The context for work done by the system itself (bootstrap, CLI on the server). */
export const systemContext = (requestId = 'system'): RequestContext => ({ actor: null, request_id: requestId });

export const canWrite = (actor: Actor): boolean =>
  actor.role !== 'viewer' && (!actor.scopes || actor.scopes.includes('write'));
