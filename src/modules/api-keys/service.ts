import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Page } from '../../core/pagination.js';
import type { CrudDeps } from '../../entities/crud-service.js';
import { assertAccess, requireActor } from '../../entities/policy.js';
import * as repo from '../../entities/repository.js';
import { newApiKey } from '../auth/tokens.js';
import { ApiKey, type API_KEY_SCOPES } from './entity.js';

type ApiKeyRow = ReturnType<typeof ApiKey.decode>;

export interface CreateApiKeyInput {
  name: string;
  machine_id?: string | null;
  scopes?: (typeof API_KEY_SCOPES)[number][] | null;
  expires_at?: string | null;
  /** Admins may create a key for another user. */
  user_id?: string;
}

/**
 * API keys: each user manages their own; admins see and revoke everyone's. The full key is
 * returned once by create and never again; revoking keeps the row so the audit trail stays whole.
 */
export function createApiKeyService({ db, audit, clock, forgetApiKeys }: CrudDeps & {
  /** Makes the auth service drop the keys it remembers, so a revoked key stops working at once. */
  forgetApiKeys(): void;
}) {
  const visibleTo = (ctx: RequestContext, row: Record<string, unknown>) => {
    const actor = requireActor(ctx);
    return actor.role === 'admin' || row.user_id === actor.user_id;
  };

  return {
    async create(ctx: RequestContext, input: CreateApiKeyInput): Promise<ApiKeyRow & { key: string }> {
      const actor = requireActor(ctx);
      // A read-only key cannot mint itself a write key; a key can never widen its own rights.
      if (actor.scopes && !actor.scopes.includes('write')) throw AppError.forbidden('This API key is read-only', 'insufficient_scope');
      const userId = input.user_id ?? actor.user_id;
      if (userId !== actor.user_id && actor.role !== 'admin') throw AppError.forbidden('Only admins create keys for other users');
      const scopes = actor.scopes && !input.scopes ? actor.scopes : input.scopes ?? null;
      // Nor mint a scope it does not hold (a write key without reveal cannot make one with it).
      if (actor.scopes && scopes && scopes.some((sc) => !actor.scopes!.includes(sc))) {
        throw AppError.forbidden('An API key cannot create a key with scopes it does not hold', 'insufficient_scope');
      }
      // Revealing secrets to a model is a decision for an admin, key by key.
      if (scopes?.includes('mcp_reveal') && actor.role !== 'admin') {
        throw AppError.forbidden('Only an admin enables revealing credentials over MCP (the mcp_reveal scope)', 'insufficient_scope');
      }
      if (input.expires_at && new Date(input.expires_at) <= clock.now()) {
        throw AppError.validation([{ path: 'expires_at', message: 'must be in the future' }]);
      }
      const { key, prefix, hash } = newApiKey();
      return db.transaction().execute(async (trx) => {
        if (userId !== actor.user_id && !(await repo.exists(trx, 'users', userId))) throw AppError.unknownReference('user_id', 'users', userId);
        if (input.machine_id && !(await repo.exists(trx, 'machines', input.machine_id))) throw AppError.unknownReference('machine_id', 'machines', input.machine_id);
        const now = clock.now().toISOString();
        const id = newId();
        await repo.insertRow(trx, ApiKey, {
          id, user_id: userId, machine_id: input.machine_id ?? null, name: input.name, prefix, key_hash: hash, scopes,
          last_used_at: null, expires_at: input.expires_at ?? null, revoked_at: null, created_at: now, updated_at: now,
        });
        const row = ApiKey.decode((await repo.findById(trx, ApiKey, id))!);
        await audit.record(trx, ctx, { action: 'create', entity: 'api_keys', entity_id: id, changes: row });
        return { ...row, key };
      });
    },

    async list(ctx: RequestContext, query: Record<string, unknown>): Promise<Page<ApiKeyRow>> {
      const actor = requireActor(ctx);
      const { limit, offset, sort, q, ...filters } = query as Record<string, any>;
      if (actor.role !== 'admin') filters.user_id = actor.user_id;
      const { rows, total } = await repo.findPage(db, ApiKey, { limit, offset, sort, q, filters });
      return { items: rows.map((r) => ApiKey.decode(r)), total, limit, offset };
    },

    async get(ctx: RequestContext, id: string): Promise<ApiKeyRow> {
      const row = await repo.findById(db, ApiKey, id);
      if (!row || !visibleTo(ctx, row)) throw AppError.notFound('API key', id);
      return ApiKey.decode(row);
    },

    async revoke(ctx: RequestContext, id: string): Promise<void> {
      assertAccess(ctx, 'viewer', false);
      const actor = requireActor(ctx);
      if (actor.scopes && !actor.scopes.includes('write')) throw AppError.forbidden('This API key is read-only', 'insufficient_scope');
      await db.transaction().execute(async (trx) => {
        const row = await repo.findById(trx, ApiKey, id);
        if (!row || !visibleTo(ctx, row)) throw AppError.notFound('API key', id);
        if (row.revoked_at) return;
        const now = clock.now().toISOString();
        await repo.updateRow(trx, ApiKey, id, { revoked_at: now, updated_at: now });
        await audit.record(trx, ctx, { action: 'revoke', entity: 'api_keys', entity_id: id, changes: { revoked_at: now } });
      });
      forgetApiKeys();
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
