import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../http/route.js';
import { User } from '../users/entity.js';
import type { AuthService } from './service.js';
import type { Kysely } from 'kysely';
import { AppError } from '../../core/errors.js';
import { findById } from '../../entities/repository.js';
import type { UserService } from '../users/service.js';
import { verifyPassword } from './passwords.js';

const TokenPair = z.object({
  access_token: z.string().describe('Short-lived JWT for Authorization: Bearer'),
  refresh_token: z.string().describe('Opaque, single use: exchange it at /api/auth/refresh for a new pair'),
  token_type: z.literal('bearer'),
  expires_in: z.number().int().describe('Seconds until the access token expires'),
});
const Login = z.strictObject({ email: z.string().max(254), password: z.string().max(1024) });
const Refresh = z.strictObject({ refresh_token: z.string().max(200) });
const Logout = z.strictObject({ refresh_token: z.string().max(200).optional().describe('Revoke this login only; omit to end every session') });
const ChangePassword = z.strictObject({ current_password: z.string().max(1024), new_password: z.string().max(256) });
const Me = User.schemas.row.extend({
  auth: z.object({
    method: z.enum(['jwt', 'api_key']),
    api_key_id: z.string().nullable(),
    scopes: z.array(z.string()).nullable(),
    machine_id: z.string().nullable(),
  }),
});

export function authRoutes(app: FastifyInstance, { auth, users, db, rateLimitPerMinute }: { auth: AuthService; users: UserService; db: Kysely<any>; rateLimitPerMinute: number }) {
  const tag = 'Auth';
  route(app, {
    method: 'POST', url: '/api/auth/login', tag, public: true, summary: 'Log in with email and password',
    description: `Returns an access token and a refresh token. Failed attempts lock the account for a growing period; ${rateLimitPerMinute} requests per minute per IP.`,
    body: Login, response: TokenPair, rateLimitPerMinute,
    handler: ({ ctx, body }) => auth.login(ctx, body.email, body.password),
  });
  route(app, {
    method: 'POST', url: '/api/auth/refresh', tag, public: true, summary: 'Exchange a refresh token for a new pair',
    description: 'Refresh tokens rotate: each works once. Presenting a used one revokes every token of that login.',
    body: Refresh, response: TokenPair, rateLimitPerMinute,
    handler: ({ ctx, body }) => auth.refresh(ctx, body.refresh_token),
  });
  route(app, {
    method: 'POST', url: '/api/auth/logout', tag, summary: 'Log out',
    description: 'With a refresh token, ends that login; without, ends every session of the user, access tokens included.',
    body: Logout.nullish(),
    handler: ({ ctx, body }) => auth.logout(ctx, body?.refresh_token),
  });
  route(app, {
    method: 'POST', url: '/api/auth/password', tag, summary: 'Change your own password',
    description: 'Needs the current password. Ends every other session: log in again with the new password.',
    body: ChangePassword, rateLimitPerMinute,
    handler: async ({ ctx, body }) => {
      if (ctx.actor?.api_key_id) throw AppError.forbidden('Change a password with a login session, not an API key');
      const row = await findById(db, User, ctx.actor!.user_id);
      if (!row || !(await verifyPassword(String(row.password_hash), body.current_password))) {
        throw AppError.validation([{ path: 'current_password', message: 'is not your current password' }]);
      }
      // Users CRUD is admin-only; changing one's own password after proving the current one is the exception.
      await users.update({ ...ctx, actor: { ...ctx.actor!, role: 'admin', scopes: null } }, ctx.actor!.user_id, { password: body.new_password });
    },
  });
  route(app, {
    method: 'GET', url: '/api/auth/me', tag, summary: 'The current user and how they authenticated',
    response: Me,
    handler: async ({ ctx }) => {
      const actor = ctx.actor!;
      const row = await findById(db, User, actor.user_id);
      if (!row) throw AppError.unauthorized();
      const me = User.decode(row);
      return {
        ...me,
        auth: { method: actor.api_key_id ? 'api_key' as const : 'jwt' as const, api_key_id: actor.api_key_id ?? null, scopes: actor.scopes ?? null, machine_id: actor.machine_id ?? null },
      };
    },
  });
}
