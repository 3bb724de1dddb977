import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Database } from '../../db/schema.js';
import { crudRoutes } from '../../http/crud-routes.js';
import { deriveMasterKey } from '../../vault/master-key.js';
import type { AuditService } from '../audit/service.js';
import { createSecurityIncidentService } from '../security-incidents/service.js';
import { createCredentialAudit } from './credential-audit.js';
import { createKeyring } from './keyring.js';
import { createPermissionService } from './permissions.js';
import { vaultRoutes } from './routes.js';
import { createCredentialService } from './service.js';

export interface VaultDeps {
  db: Kysely<Database>;
  audit: AuditService;
  clock: Clock;
  /** The raw master key (CLAUDETOOLS_MASTER_KEY or <home>/keys/master.key); never stored in the database. */
  masterKey: Buffer;
  /** The audit HMAC key, shared with audit_logs: one key, two chains. */
  auditKey: Buffer;
  requireReason?: boolean;
}

/** The vault's services: keyring, credentials, grants and security incidents. `keyring.unlock()` must pass before serving. */
export function buildVaultServices(deps: VaultDeps) {
  const { db, audit, clock } = deps;
  const keyring = createKeyring({ db, master: deriveMasterKey(deps.masterKey), clock });
  const credentialAudit = createCredentialAudit({ key: deps.auditKey, clock });
  const credentials = createCredentialService({ db, audit, clock, keyring, credentialAudit, requireReason: deps.requireReason ?? false });
  return {
    db, clock, keyring, credentialAudit, credentials,
    permissions: createPermissionService({ db, clock, audit, credentialAudit, credentials }),
    securityIncidents: createSecurityIncidentService({ db, audit, clock }, credentials),
  };
}

export type VaultServices = ReturnType<typeof buildVaultServices>;

export function registerVaultRoutes(app: FastifyInstance, v: VaultServices) {
  vaultRoutes(app, v);
  crudRoutes(app, v.securityIncidents, { tag: 'Security incidents' });
}
