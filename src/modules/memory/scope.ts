import type { Kysely } from 'kysely';
import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { runCached } from '../../db/cached-query.js';
import { inClientScope } from '../../entities/policy.js';

export interface ResolvedScope { projectId: string | null; clientId: string | null }

/**
 * The project and client a memory request is about. An unknown or out-of-scope id is 422 naming
 * the field (the same answer either way, so scope does not leak existence); a project implies its client.
 */
export async function resolveScope(db: Kysely<any>, ctx: RequestContext, input: { project_id?: string; client_id?: string }): Promise<ResolvedScope> {
  let clientId = input.client_id ?? null;
  let projectId: string | null = null;
  if (input.project_id) {
    const [project] = await runCached<{ id: string; client_id: string | null }>(db, 'scope-project', [input.project_id],
      () => db.selectFrom('projects').select(['id', 'client_id']).where('id', '=', input.project_id!));
    if (!project || !inClientScope(ctx, project.client_id)) throw AppError.unknownReference('project_id', 'projects', input.project_id);
    if (clientId && project.client_id && clientId !== project.client_id) {
      throw AppError.unprocessable('project_id belongs to another client', [{ path: 'project_id', message: 'the project belongs to another client than client_id', code: 'client_mismatch' }], 'client_mismatch');
    }
    projectId = project.id;
    clientId = project.client_id ?? clientId;
  }
  if (input.client_id) {
    const [client] = await runCached<{ id: string }>(db, 'scope-client', [input.client_id], () => db.selectFrom('clients').select('id').where('id', '=', input.client_id!));
    if (!client || !inClientScope(ctx, client.id)) throw AppError.unknownReference('client_id', 'clients', input.client_id);
    // The id as stored: MariaDB compares ids without case, the memory index exactly.
    if (clientId === input.client_id) clientId = client.id;
  }
  return { projectId, clientId };
}
