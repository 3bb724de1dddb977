import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { RequestContext } from '../../core/context.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { rowLock } from '../../db/dialect.js';
import type { Database } from '../../db/schema.js';
import { checkReferences, parseInput } from '../../entities/crud-service.js';
import { withDefaults } from '../../entities/define-entity.js';
import { assertAccess, clientLimit } from '../../entities/policy.js';
import * as repo from '../../entities/repository.js';
import type { AuditService } from '../audit/service.js';
import { unlinkCredential } from '../security-incidents/service.js';
import { atLeast, levelFor, mayReveal, visibleCondition, type Level } from './access.js';
import type { CredentialAudit } from './credential-audit.js';
import { Credential, CredentialCreate, CredentialUpdate, encColumn, hasFlag, SECRET_FIELDS, type SecretField } from './entity.js';
import type { Keyring } from './keyring.js';
import { encryptedColumns, openSecrets, placeOf, sealSecrets, type Secrets } from './secrets.js';
import { assertValidTotpSeed, currentCode } from './totp.js';

export interface CredentialDeps {
  db: Kysely<Database>;
  audit: AuditService;
  credentialAudit: CredentialAudit;
  keyring: Keyring;
  clock: Clock;
  /** Reveal and TOTP refuse a request without a reason (CLAUDETOOLS_VAULT_REQUIRE_REASON). */
  requireReason: boolean;
}

/** Locks a credential row for the rest of the transaction (MariaDB, PostgreSQL): updates and rotation batches take turns. */
export const lockCredential = (trx: Kysely<any>, id: string) =>
  trx.selectFrom('credentials').select('id').where('id', '=', id).$call(rowLock(trx)).execute();

type Row = Record<string, unknown>;

/** Splits a validated body into metadata columns and secret values. */
function splitSecrets(values: Row): { meta: Row; secrets: Secrets } {
  const meta: Row = {};
  const secrets: Secrets = {};
  for (const [k, v] of Object.entries(values)) {
    if ((SECRET_FIELDS as readonly string[]).includes(k)) secrets[k as SecretField] = v as string | null;
    else meta[k] = v;
  }
  return { meta, secrets };
}

/** Metadata and `has_*` flags of a stored row: the only shape a credential leaves the service in, outside reveal. */
export function credentialMeta(row: Row) {
  const flags = Object.fromEntries(SECRET_FIELDS.map((f) => [hasFlag(f), row[encColumn(f)] != null]));
  return { ...Credential.decode(row), ...flags };
}


/**
 * Credentials: metadata through the generic repository (client scope, filters, search), secrets sealed
 * per field under the client's data key. Every action writes exactly one credential audit row in the
 * same transaction; reads that return secrets commit their audit row before answering.
 */
export function createCredentialService(deps: CredentialDeps) {
  const { db, audit, credentialAudit, keyring, clock } = deps;
  /** Tests only: runs inside a secret write's transaction, after its data key was chosen and before anything is written. */
  const testHooks: { beforeWrite?: () => Promise<void> | void } = {};
  const now = () => clock.now().toISOString();

  /** The row if the actor may see it (404 otherwise) and holds `need` on it (403 otherwise). */
  async function load(ctx: RequestContext, id: string, need: Level, from: Kysely<any> = db): Promise<{ row: Row; level: Level }> {
    const row = await repo.findById(from, Credential, id);
    const level = row ? await levelFor(from, ctx, row, now()) : null;
    if (!row || !level) throw AppError.notFound('credential', id);
    if (!atLeast(level, need)) throw AppError.forbidden(`You need the ${need} permission on this credential`, 'permission_required');
    return { row, level };
  }

  /** Reveal and TOTP decrypt: an API key needs the `reveal` scope for them, whatever its user may do. */
  function checkRevealScope(ctx: RequestContext) {
    if (!mayReveal(ctx)) throw AppError.forbidden('This API key lacks the reveal scope: it sees credential metadata only', 'insufficient_scope');
  }

  function checkReason(reason: string | undefined) {
    if (deps.requireReason && !reason) {
      throw AppError.badRequest('This server requires a reason for every reveal', 'reason_required', [{ path: 'reason', message: 'required', code: 'reason_required' }]);
    }
  }

  /** Whoever restricts a credential keeps managing it. */
  async function keepCreatorAccess(trx: Kysely<any>, ctx: RequestContext, credentialId: string) {
    if (!ctx.actor || ctx.actor.role === 'admin') return;
    await trx.deleteFrom('credential_permissions').where('credential_id', '=', credentialId).where('user_id', '=', ctx.actor.user_id).execute();
    await trx.insertInto('credential_permissions').values({
      id: newId(), credential_id: credentialId, user_id: ctx.actor.user_id, level: 'manage', granted_by: ctx.actor.user_id, granted_at: now(), expires_at: null,
    }).execute();
  }

  /** Decrypts a stored row's secrets (current or a version) outside any transaction: the key lookup may query. */
  async function openRow(credential: Row, source: Row) {
    const key = await keyring.keyById(String(source.kid));
    return openSecrets(key, String(source.kid), placeOf(credential, source), source);
  }

  return {
    entity: Credential,

    async list(ctx: RequestContext, query: Row) {
      assertAccess(ctx, Credential.access.read, false);
      const { limit, offset, sort, q, expires_before, ...filters } = query as Record<string, any>;
      const visible = visibleCondition(ctx, now());
      const { rows, total } = await repo.findPage(db, Credential, {
        limit, offset, sort, q, filters, clientIds: clientLimit(ctx),
        condition: (eb) => eb.and([
          ...(expires_before ? [eb('expires_at', '<', expires_before)] : []),
          ...(visible ? [visible(eb)] : []),
        ]),
      });
      return { items: rows.map(credentialMeta), total, limit, offset };
    },

    async get(ctx: RequestContext, id: string) {
      assertAccess(ctx, Credential.access.read, false);
      return db.transaction().execute(async (trx) => {
        const { row } = await load(ctx, id, 'view', trx);
        await credentialAudit.record(trx, ctx, { credential_id: id, action: 'view' });
        return credentialMeta(row);
      });
    },

    async create(ctx: RequestContext, input: Row) {
      assertAccess(ctx, Credential.access.write, true);
      const { meta, secrets } = splitSecrets(withDefaults(Credential, parseInput(CredentialCreate, input)));
      assertValidTotpSeed(secrets.totp_secret);
      const clientId = (meta.client_id as string | null) ?? null;
      // Refused before the bucket's first data key could be made: a refused write changes nothing.
      await checkReferences(Credential, ctx, db, meta);
      await keyring.activeKey(clientId);
      const id = newId();
      const at = now();
      const setSecrets = SECRET_FIELDS.filter((f) => secrets[f] != null);
      return db.transaction().execute(async (trx) => {
        await checkReferences(Credential, ctx, trx, meta);
        // Read the key in the write's own transaction, under the keys' shared lock: a rotation cannot retire it before this commits.
        const dataKey = await keyring.lockActiveKey(trx, clientId);
        await testHooks.beforeWrite?.();
        await repo.insertRow(trx, Credential, {
          id, ...meta, kid: dataKey.kid, secret_version: 1, last_rotated_at: setSecrets.length ? at : null,
          ...sealSecrets(dataKey.key, dataKey.kid, { client_id: clientId, credential_id: id, version: 1 }, secrets), created_at: at, updated_at: at,
        });
        if (meta.restricted) await keepCreatorAccess(trx, ctx, id);
        const created = credentialMeta((await repo.findById(trx, Credential, id))!);
        await audit.record(trx, ctx, { action: 'create', entity: 'credentials', entity_id: id, changes: created });
        await credentialAudit.record(trx, ctx, { credential_id: id, action: 'create', details: { secrets: setSecrets } });
        return created;
      });
    },

    async update(ctx: RequestContext, id: string, patch: Row) {
      assertAccess(ctx, Credential.access.write, true);
      const { meta, secrets } = splitSecrets(parseInput(CredentialUpdate, patch));
      assertValidTotpSeed(secrets.totp_secret);
      const changedSecrets = SECRET_FIELDS.filter((f) => secrets[f] !== undefined);
      const { row: existing } = await load(ctx, id, 'manage');
      // Makes the bucket's first data key if need be (its own write, so before the transaction).
      if (changedSecrets.length) await keyring.activeKey((existing.client_id as string | null) ?? null);
      return db.transaction().execute(async (trx) => {
        await lockCredential(trx, id);
        const { row: current } = await load(ctx, id, 'manage', trx);
        const before = credentialMeta(current);
        await checkReferences(Credential, ctx, trx, { ...Credential.decode(current), ...meta });
        const at = now();
        const columns: Row = { ...meta };
        if (changedSecrets.length) {
          const dataKey = await keyring.lockActiveKey(trx, (current.client_id as string | null) ?? null);
          await testHooks.beforeWrite?.();
          // Nothing is written under another key than the active one: when a rotation moved the active key on,
          // the replaced version is re-sealed with it too. The kept secrets are always re-sealed: the AAD binds the version.
          const moved = current.kid !== dataKey.kid;
          const previous = openSecrets(await keyring.keyById(String(current.kid), trx), String(current.kid), placeOf(current), current);
          const previousColumns = moved
            ? { ...encryptedColumns({}), ...sealSecrets(dataKey.key, dataKey.kid, placeOf(current), previous) }
            : encryptedColumns(current);
          await trx.insertInto('credential_versions').values({
            id: newId(), credential_id: id, version: Number(current.secret_version), kid: moved ? dataKey.kid : current.kid, ...previousColumns,
            created_at: (current.last_rotated_at as string | null) ?? String(current.created_at), replaced_at: at, replaced_by: ctx.actor?.user_id ?? null,
          }).execute();
          const nextVersion = Number(current.secret_version) + 1;
          Object.assign(columns, sealSecrets(dataKey.key, dataKey.kid, { ...placeOf(current), version: nextVersion }, { ...previous, ...secrets }), {
            kid: dataKey.kid, secret_version: nextVersion, last_rotated_at: at,
          });
        }
        if (!Object.keys(columns).length) return before;
        await repo.updateRow(trx, Credential, id, { ...columns, updated_at: at });
        if (meta.restricted === true && !Number(current.restricted)) await keepCreatorAccess(trx, ctx, id);
        const after = credentialMeta((await repo.findById(trx, Credential, id))!);
        const diff = Object.fromEntries(Object.keys(meta).filter((k) => JSON.stringify((before as Row)[k]) !== JSON.stringify(meta[k]))
          .map((k) => [k, { from: (before as Row)[k], to: meta[k] }]));
        await audit.record(trx, ctx, { action: 'update', entity: 'credentials', entity_id: id, changes: { ...diff, ...(changedSecrets.length ? { secrets_changed: changedSecrets } : {}) } });
        await credentialAudit.record(trx, ctx, { credential_id: id, action: 'update', details: { fields: Object.keys(diff), secrets: changedSecrets, version: after.secret_version } });
        return after;
      });
    },

    async remove(ctx: RequestContext, id: string) {
      assertAccess(ctx, Credential.access.write, true);
      await db.transaction().execute(async (trx) => {
        await lockCredential(trx, id);
        const { row } = await load(ctx, id, 'manage', trx);
        await repo.deleteRow(trx, Credential, id);
        await unlinkCredential(trx, id, now(), (incidentId, from, to) =>
          audit.record(trx, ctx, { action: 'update', entity: 'security_incidents', entity_id: incidentId, changes: { credential_ids: { from, to } } }));
        await audit.record(trx, ctx, { action: 'delete', entity: 'credentials', entity_id: id, changes: credentialMeta(row) });
        await credentialAudit.record(trx, ctx, { credential_id: id, action: 'delete', details: { service_name: row.service_name } });
      });
    },

    /** The secrets of the current (or an earlier) version; audited before they are returned. */
    async reveal(ctx: RequestContext, id: string, opts: { reason?: string; version?: number } = {}) {
      checkReason(opts.reason);
      const { row } = await load(ctx, id, 'reveal');
      checkRevealScope(ctx);
      const current = Number(row.secret_version);
      const version = opts.version ?? current;
      const source = version === current ? row
        : await db.selectFrom('credential_versions').selectAll().where('credential_id', '=', id).where('version', '=', version).executeTakeFirst();
      if (!source) throw AppError.notFound(`version ${version} of credential`, id);
      const secrets = await openRow(row, source);
      await db.transaction().execute((trx) => credentialAudit.record(trx, ctx, {
        credential_id: id, action: 'reveal', reason: opts.reason, details: { version, fields: Object.keys(secrets) },
      }));
      return { id, version, secrets };
    },

    /** The current TOTP code; the seed itself never leaves the server. */
    async totp(ctx: RequestContext, id: string, opts: { reason?: string } = {}) {
      checkReason(opts.reason);
      const { row } = await load(ctx, id, 'reveal');
      checkRevealScope(ctx);
      if (row.totp_secret_enc == null) throw AppError.unprocessable('This credential has no TOTP secret', [{ path: 'totp_secret', message: 'not set' }], 'no_totp');
      const { totp_secret } = await openRow(row, { kid: row.kid, secret_version: row.secret_version, totp_secret_enc: row.totp_secret_enc });
      const code = currentCode(totp_secret!, clock.now());
      await db.transaction().execute((trx) => credentialAudit.record(trx, ctx, { credential_id: id, action: 'totp', reason: opts.reason }));
      return { id, ...code };
    },

    /** Metadata of every secret version, newest first; nothing is decrypted. */
    async versions(ctx: RequestContext, id: string) {
      const { row } = await load(ctx, id, 'view');
      const older = await db.selectFrom('credential_versions').selectAll().where('credential_id', '=', id).orderBy('version', 'desc').execute();
      const shape = (r: Row, extra: Row) => ({
        version: Number(r.version ?? r.secret_version), ...extra,
        ...Object.fromEntries(SECRET_FIELDS.map((f) => [hasFlag(f), r[encColumn(f)] != null])),
      });
      return {
        items: [
          shape(row, { current: true, created_at: (row.last_rotated_at as string | null) ?? String(row.created_at), replaced_at: null, replaced_by: null }),
          ...older.map((v) => shape(v, { current: false, created_at: v.created_at, replaced_at: v.replaced_at, replaced_by: v.replaced_by })),
        ],
      };
    },

    load,
    testHooks,
  };
}

export type CredentialService = ReturnType<typeof createCredentialService>;
