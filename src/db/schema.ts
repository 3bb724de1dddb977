/**
 * Storage types of the tables that hand-written services query directly. Entity-layer tables are
 * reached through the generic repository (entities/repository.ts) with their codecs instead.
 * Timestamps are ISO strings, booleans 0/1, JSON as text (see dialect.ts).
 */
export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: string;
  is_active: number;
  client_scope: string | null;
  failed_logins: number;
  lockout_count: number;
  locked_until: string | null;
  last_login_at: string | null;
  token_version: number;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  machine_id: string | null;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string | null;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface AuditLogsTable {
  id: string;
  seq: number;
  actor_type: string;
  actor_id: string | null;
  user_id: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  changes: string | null;
  ip_address: string | null;
  request_id: string | null;
  occurred_at: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  chain: string;
  seq: number;
  hash: string;
}

export interface Database {
  users: UsersTable;
  api_keys: ApiKeysTable;
  refresh_tokens: RefreshTokensTable;
  audit_logs: AuditLogsTable;
  audit_heads: AuditHeadsTable;
  [table: string]: any;
}
