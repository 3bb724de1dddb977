import type { Migration } from 'kysely';
import * as m0001 from './0001_users.js';
import * as m0002 from './0002_machines.js';
import * as m0003 from './0003_api_keys.js';
import * as m0004 from './0004_refresh_tokens.js';
import * as m0005 from './0005_audit_logs.js';

/** Every migration, in order. Names are frozen once shipped; the last one is the schema version. */
export const migrations: Record<string, Migration> = {
  '0001_users': m0001,
  '0002_machines': m0002,
  '0003_api_keys': m0003,
  '0004_refresh_tokens': m0004,
  '0005_audit_logs': m0005,
};
