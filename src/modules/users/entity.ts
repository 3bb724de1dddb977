import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const ROLES = ['admin', 'technician', 'viewer'] as const;

export const User = defineEntity({
  name: 'user', plural: 'users', table: 'users',
  fields: {
    email: f.email().describe('Login email, stored lowercase; unique'),
    name: f.text({ max: 200, min: 1 }).describe('Display name'),
    role: f.enum(ROLES).default('technician').describe('admin: everything; technician: read and write within client_scope; viewer: read only'),
    is_active: f.bool().default(true).describe('A disabled user can neither log in nor use tokens or API keys'),
    client_scope: f.json(z.array(z.uuid()).max(10_000)).optional().describe('Client ids this user may see; null means all clients'),
    password_hash: f.text({ max: 255 }).hidden().readOnly(),
    failed_logins: f.int().default(0).readOnly(),
    lockout_count: f.int().default(0).hidden().readOnly(),
    locked_until: f.timestamp().optional().readOnly().describe('Set while the account is locked after failed logins'),
    last_login_at: f.timestamp().optional().readOnly(),
    token_version: f.int().default(0).hidden().readOnly(),
  },
  list: { filter: ['role', 'is_active'], search: ['email', 'name'], sort: ['email', 'name', 'created_at', 'last_login_at'], defaultSort: 'email' },
  access: { read: 'admin', write: 'admin' },
  unique: [['email']],
});
