import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { systemContext } from '../../core/context.js';
import { randomToken } from '../../core/ids.js';
import type { UserService } from './service.js';

export interface InitialAdmin {
  email: string;
  /** Set only when the password was generated here (so it must be shown once). */
  generatedPassword?: string;
  file?: string;
}

/**
 * First start with no users: create an admin from CLAUDETOOLS_ADMIN_EMAIL / _PASSWORD, or with a
 * generated password written to <home>/initial-admin.txt (0600). Returns null when users exist.
 */
export async function ensureInitialAdmin(users: UserService, opts: { home: string; email?: string; password?: string }): Promise<InitialAdmin | null> {
  const ctx = systemContext('bootstrap');
  const existing = await users.list(ctx, { limit: 1, offset: 0 });
  if (existing.total > 0) return null;
  const email = opts.email ?? 'admin@localhost.localdomain';
  const password = opts.password ?? randomToken(18);
  await users.create(ctx, { email, name: 'Administrator', role: 'admin', is_active: true, password });
  if (opts.password) return { email };
  mkdirSync(opts.home, { recursive: true, mode: 0o700 });
  const file = join(opts.home, 'initial-admin.txt');
  writeFileSync(file, `email: ${email}\npassword: ${password}\n\nChange it: claudetools user reset-password ${email}\n`, { mode: 0o600 });
  return { email, generatedPassword: password, file };
}
