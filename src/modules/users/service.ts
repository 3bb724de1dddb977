import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import type { Database } from '../../db/schema.js';
import { createCrudService, type CrudDeps } from '../../entities/crud-service.js';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.js';
import type { AuthService } from '../auth/service.js';
import { User } from './entity.js';

async function otherActiveAdmins(trx: Kysely<Database>, userId: string): Promise<number> {
  const row = await trx.selectFrom('users').select((eb) => eb.fn.countAll().as('n'))
    .where('role', '=', 'admin').where('is_active', '=', 1).where('id', '!=', userId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Users are a plain entity plus three rules: the password is hashed (never stored or echoed),
 * a password change or disable ends every session of that user, and the last active admin
 * can be neither demoted, disabled nor deleted.
 */
const password = z.string().max(256).describe('At least 12 characters; not a common password');

export function createUserService(deps: CrudDeps & { auth: AuthService }) {
  const users = createCrudService(User, deps, {
    async beforeCreate(values) {
      const { password, ...rest } = values as { password: string };
      checkPasswordPolicy(password);
      return { ...rest, password_hash: await hashPassword(password) };
    },
    async beforeUpdate(patch, current, ctx, trx) {
      const { password, ...rest } = patch as { password?: string } & Record<string, unknown>;
      const demoted = rest.role !== undefined && rest.role !== 'admin';
      const disabled = rest.is_active === false;
      if (current.role === 'admin' && current.is_active && (demoted || disabled) && (await otherActiveAdmins(trx, String(current.id))) === 0) {
        throw AppError.conflict('This is the last active admin; make another admin first', 'last_admin');
      }
      const out: Record<string, unknown> = { ...rest };
      if (password !== undefined) {
        checkPasswordPolicy(password);
        out.password_hash = await hashPassword(password);
        out.failed_logins = 0;
        out.locked_until = null;
      }
      if (password !== undefined || disabled) await deps.auth.revokeAllSessions(trx, String(current.id));
      return out;
    },
    async beforeDelete(current, ctx: RequestContext, trx) {
      if (ctx.actor?.user_id === current.id) throw AppError.conflict('You cannot delete your own account', 'self_delete');
      if (current.role === 'admin' && (await otherActiveAdmins(trx, String(current.id))) === 0) {
        throw AppError.conflict('This is the last active admin; make another admin first', 'last_admin');
      }
    },
  }, {
    create: User.schemas.create.extend({ password }),
    update: User.schemas.update.extend({ password: password.optional() }),
  });
  // A user's role, client scope or state is part of every API key of theirs the auth service remembers.
  return {
    ...users,
    async update(ctx, id, patch) {
      try { return await users.update(ctx, id, patch); } finally { deps.auth.forgetApiKeys(); }
    },
    async remove(ctx, id) {
      try { await users.remove(ctx, id); } finally { deps.auth.forgetApiKeys(); }
    },
  } satisfies typeof users;
}

export type UserService = ReturnType<typeof createUserService>;
