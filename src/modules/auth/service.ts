import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Actor, RequestContext, Role } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { dialectOf } from '../../db/dialect.js';
import type { Database, UsersTable } from '../../db/schema.js';
import type { AuditService } from '../audit/service.js';
import { createApiKeyCache, type ApiKeyCache, type CachedApiKey } from './api-key-cache.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import { newRefreshToken, parseApiKey, secretMatches, sha256, signAccessToken, verifyAccessToken } from './tokens.js';

export interface AuthSettings {
  jwtKey: Buffer;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  maxFailures: number;
  lockoutSeconds: number;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

const MAX_LOCKOUT_SECONDS = 86_400;
/** last_used_at is written at most this often per key, so reads stay reads. */
const TOUCH_INTERVAL_MS = 60_000;

const invalidApiKey = () => AppError.unauthorized('The API key is not valid', 'invalid_api_key');
const invalidCredentials = () => AppError.unauthorized('The email or password is wrong', 'invalid_credentials');

export function toActor(user: UsersTable, extra: Partial<Actor> = {}): Actor {
  return {
    user_id: user.id, email: user.email, role: user.role as Role,
    client_scope: user.client_scope ? JSON.parse(user.client_scope) : null, ...extra,
  };
}

export function createAuthService({ db, audit, clock, settings, apiKeys = createApiKeyCache() }: {
  db: Kysely<Database>; audit: AuditService; clock: Clock; settings: AuthSettings;
  /** Verified API keys; shared with the services that revoke keys or change users, which invalidate it. */
  apiKeys?: ApiKeyCache;
}) {
  const lockRows = (trx: Kysely<Database>) => dialectOf(trx) !== 'sqlite';

  async function issueTokens(trx: Kysely<Database>, user: UsersTable, familyId: string): Promise<TokenPair> {
    const now = clock.now();
    const refresh = newRefreshToken();
    await trx.insertInto('refresh_tokens').values({
      id: newId(), user_id: user.id, family_id: familyId, token_hash: sha256(refresh),
      expires_at: new Date(now.getTime() + settings.refreshTokenTtl * 1000).toISOString(),
      used_at: null, revoked_at: null, created_at: now.toISOString(),
    }).execute();
    const access = await signAccessToken(settings.jwtKey, { sub: user.id, ver: user.token_version }, settings.accessTokenTtl, now);
    return { access_token: access, refresh_token: refresh, token_type: 'bearer', expires_in: settings.accessTokenTtl };
  }

  /**
   * Counts the attempt before the password is checked, under a row lock, so concurrent guesses can
   * never exceed maxFailures per lock period. Reaching the limit locks the account for a period that
   * doubles with each lockout. Returns the user row as locked.
   */
  async function reserveAttempt(userId: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom('users').selectAll().where('id', '=', userId)
        .$if(lockRows(trx), (q) => q.forUpdate()).executeTakeFirstOrThrow();
      const now = clock.now();
      if (user.locked_until && new Date(user.locked_until) > now) {
        throw AppError.rateLimited((new Date(user.locked_until).getTime() - now.getTime()) / 1000,
          'Too many failed logins: the account is locked for a while');
      }
      const failed = (user.locked_until ? 0 : user.failed_logins) + 1;
      const lock = failed >= settings.maxFailures;
      const lockSeconds = Math.min(MAX_LOCKOUT_SECONDS, settings.lockoutSeconds * 2 ** user.lockout_count);
      await trx.updateTable('users').set({
        failed_logins: failed,
        locked_until: lock ? new Date(now.getTime() + lockSeconds * 1000).toISOString() : null,
        lockout_count: lock ? user.lockout_count + 1 : user.lockout_count,
      }).where('id', '=', userId).execute();
    });
  }

  async function revokeFamily(trx: Kysely<Database>, familyId: string) {
    await trx.updateTable('refresh_tokens').set({ revoked_at: clock.now().toISOString() })
      .where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
  }

  async function loadActiveUser(userId: string): Promise<UsersTable> {
    const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!user) throw AppError.unauthorized('The user no longer exists', 'invalid_token');
    if (!user.is_active) throw AppError.unauthorized('This account is disabled', 'account_disabled');
    return user;
  }

  return {
    async login(ctx: RequestContext, email: string, password: string): Promise<TokenPair> {
      const user = await db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
      if (!user) {
        await verifyPassword(await dummyPasswordHash(), password);
        throw invalidCredentials();
      }
      await reserveAttempt(user.id);
      const ok = await verifyPassword(user.password_hash, password);
      const userCtx = { ...ctx, actor: toActor(user) };
      if (!ok) {
        await db.transaction().execute((trx) => audit.record(trx, userCtx, { action: 'login_failed', entity: 'users', entity_id: user.id }));
        throw invalidCredentials();
      }
      if (!user.is_active) throw AppError.unauthorized('This account is disabled', 'account_disabled');
      return db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ failed_logins: 0, locked_until: null, lockout_count: 0, last_login_at: clock.now().toISOString() })
          .where('id', '=', user.id).execute();
        await audit.record(trx, userCtx, { action: 'login', entity: 'users', entity_id: user.id });
        return issueTokens(trx, user, newId());
      });
    },

    /** Rotates a refresh token. A token used twice means it leaked: the whole family is revoked. */
    async refresh(ctx: RequestContext, refreshToken: string): Promise<TokenPair> {
      const invalid = () => AppError.unauthorized('The refresh token is not valid', 'invalid_refresh_token');
      const row = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', sha256(refreshToken)).executeTakeFirst();
      if (!row) throw invalid();
      const now = clock.now();
      const reused = async () => {
        await db.transaction().execute(async (trx) => {
          await revokeFamily(trx, row.family_id);
          await audit.record(trx, { ...ctx, actor: null }, { action: 'refresh_reuse', entity: 'refresh_tokens', entity_id: row.family_id, changes: { user_id: row.user_id } });
        });
        return AppError.unauthorized('This refresh token was already used; every session of its login is now revoked', 'refresh_token_reused');
      };
      if (row.used_at || row.revoked_at) throw await reused();
      if (new Date(row.expires_at) <= now) throw AppError.unauthorized('The refresh token has expired', 'refresh_token_expired');
      const user = await db.selectFrom('users').selectAll().where('id', '=', row.user_id).executeTakeFirst();
      if (!user || !user.is_active || (user.locked_until && new Date(user.locked_until) > now)) {
        await db.transaction().execute((trx) => revokeFamily(trx, row.family_id));
        throw AppError.unauthorized('This account is disabled or locked', 'account_disabled');
      }
      const pair = await db.transaction().execute(async (trx) => {
        // The conditional update is the claim: of two concurrent refreshes, exactly one wins.
        const claimed = await trx.updateTable('refresh_tokens').set({ used_at: now.toISOString() })
          .where('id', '=', row.id).where('used_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) return null;
        return issueTokens(trx, user, row.family_id);
      });
      if (!pair) throw await reused();
      return pair;
    },

    /** Revokes one login's refresh family, or with no token every session of the user (access tokens too). */
    async logout(ctx: RequestContext, refreshToken?: string): Promise<void> {
      const actor = ctx.actor!;
      await db.transaction().execute(async (trx) => {
        if (refreshToken) {
          const row = await trx.selectFrom('refresh_tokens').select(['family_id', 'user_id']).where('token_hash', '=', sha256(refreshToken)).executeTakeFirst();
          if (row && row.user_id === actor.user_id) await revokeFamily(trx, row.family_id);
        } else {
          await trx.updateTable('refresh_tokens').set({ revoked_at: clock.now().toISOString() })
            .where('user_id', '=', actor.user_id).where('revoked_at', 'is', null).execute();
          await trx.updateTable('users').set((eb) => ({ token_version: eb('token_version', '+', 1) })).where('id', '=', actor.user_id).execute();
        }
        await audit.record(trx, ctx, { action: 'logout', entity: 'users', entity_id: actor.user_id, changes: { everywhere: !refreshToken } });
      });
    },

    /** Resolves `Authorization: Bearer <jwt | ct_ api key>` to an actor, checking the user is still active. */
    async authenticate(authorization: string | undefined): Promise<Actor> {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!match) throw AppError.unauthorized('Send Authorization: Bearer <access token or API key>');
      const credential = match[1];
      if (credential.startsWith('ct_')) return authenticateApiKey(credential);
      const claims = await verifyAccessToken(settings.jwtKey, credential, clock.now());
      const user = await loadActiveUser(claims.sub);
      if (user.token_version !== claims.ver) throw AppError.unauthorized('This token was revoked; log in again', 'token_revoked');
      return toActor(user);
    },

    /** Forgets every verified API key: call after committing a change to a key, a user or a machine. */
    forgetApiKeys(): void {
      apiKeys.invalidate();
    },

    /** Every refresh token of a user is revoked and every access token stops working (password change, disable). */
    async revokeAllSessions(trx: Kysely<Database>, userId: string): Promise<void> {
      await trx.updateTable('refresh_tokens').set({ revoked_at: clock.now().toISOString() })
        .where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
      await trx.updateTable('users').set((eb) => ({ token_version: eb('token_version', '+', 1) })).where('id', '=', userId).execute();
    },
  };

  async function authenticateApiKey(key: string): Promise<Actor> {
    const parsed = parseApiKey(key);
    if (!parsed) throw invalidApiKey();
    const now = clock.now();
    const cached = apiKeys.get(parsed.prefix, now.getTime());
    const { entry, refusal } = cached ? { entry: cached, refusal: null } : await loadApiKey(parsed.prefix, now);
    // The secret is checked before anything else is told: a wrong secret learns nothing about the key.
    if (!entry || !secretMatches(entry.key_digest, parsed.secret)) throw invalidApiKey();
    if (refusal) throw refusal;
    if (entry.expires_at && new Date(entry.expires_at) <= now) throw AppError.unauthorized('This API key has expired', 'api_key_expired');
    if (now.getTime() - entry.touched_at > TOUCH_INTERVAL_MS) {
      entry.touched_at = now.getTime();
      await db.updateTable('api_keys').set({ last_used_at: now.toISOString() }).where('id', '=', entry.key_id).execute();
    }
    return toActor(entry.user as UsersTable, { api_key_id: entry.key_id, scopes: entry.scopes ? JSON.parse(entry.scopes) : null, machine_id: entry.machine_id });
  }

  /**
   * The key and its user in one query. A usable key is cached; a revoked key or a disabled user's
   * comes back with its refusal and is never cached.
   */
  async function loadApiKey(prefix: string, now: Date): Promise<{ entry: CachedApiKey | null; refusal: AppError | null }> {
    const generation = apiKeys.generation();
    const joined = await db.selectFrom('api_keys').innerJoin('users', 'users.id', 'api_keys.user_id')
      .select(['api_keys.id as key_id', 'api_keys.key_hash', 'api_keys.scopes', 'api_keys.machine_id', 'api_keys.revoked_at',
        'api_keys.expires_at', 'api_keys.last_used_at'])
      .select(['users.id', 'users.email', 'users.role', 'users.client_scope', 'users.is_active'])
      .where('api_keys.prefix', '=', prefix).executeTakeFirst();
    if (!joined) return { entry: null, refusal: null };
    const entry: CachedApiKey = {
      key_id: joined.key_id, key_digest: Buffer.from(joined.key_hash, 'hex'), scopes: joined.scopes, machine_id: joined.machine_id, expires_at: joined.expires_at,
      touched_at: joined.last_used_at ? new Date(joined.last_used_at).getTime() : 0,
      user: { id: joined.id, email: joined.email, role: joined.role, client_scope: joined.client_scope },
    };
    if (joined.revoked_at) return { entry, refusal: AppError.unauthorized('This API key was revoked', 'api_key_revoked') };
    if (!Number(joined.is_active)) return { entry, refusal: AppError.unauthorized('This account is disabled', 'account_disabled') };
    apiKeys.set(prefix, entry, now.getTime(), generation);
    return { entry, refusal: null };
  }
}

export type AuthService = ReturnType<typeof createAuthService>;
