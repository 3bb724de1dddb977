import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import type { RequestContext } from '../../core/context.js';
import { newId } from '../../core/ids.js';
import { containsSecret } from '../../memory/redact.js';
import type { AuditService } from '../audit/service.js';
import type { z } from 'zod';
import type { PushBody, VersionMeta } from './schemas.js';

/** The same hash on client and server: sha256 over the files sorted by path. */
export function filesHash(files: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const path of Object.keys(files).sort()) hash.update(`${path}\0${files[path]}\0`);
  return hash.digest('hex');
}

const META = ['version', 'file_count', 'content_hash', 'machine_id', 'created_at'] as const;

/**
 * Versions of each user's Claude Code configuration. A push must name the version it was made from:
 * if another machine pushed since, it is refused as a conflict (pull first), never merged blindly.
 * A file holding a secret is refused, naming the file: configuration is copied to every machine.
 */
export function createConfigSyncService({ db, audit, clock }: { db: Kysely<any>; audit: AuditService; clock: Clock }) {
  const userOf = (ctx: RequestContext) => {
    if (!ctx.actor) throw AppError.unauthorized();
    return ctx.actor.user_id;
  };
  const newest = (trx: Kysely<any>, userId: string) =>
    trx.selectFrom('config_versions').selectAll().where('user_id', '=', userId).orderBy('version', 'desc').limit(1).executeTakeFirst();
  const meta = (row: Record<string, unknown>) => ({ ...Object.fromEntries(META.map((k) => [k, row[k] ?? null])), version: Number(row.version), file_count: Number(row.file_count) }) as z.infer<typeof VersionMeta>;

  return {
    async push(ctx: RequestContext, body: z.infer<typeof PushBody>) {
      const userId = userOf(ctx);
      const secrets = Object.entries(body.files).filter(([, text]) => containsSecret(text)).map(([path]) => path);
      if (secrets.length) {
        throw AppError.unprocessable('configuration files must not hold secrets', secrets.map((p) => ({ path: `files.${p}`, message: 'holds what looks like a secret (token, key or password): remove it', code: 'secret_detected' })), 'secret_detected');
      }
      return db.transaction().execute(async (trx) => {
        const head = await newest(trx, userId);
        const current = head ? Number(head.version) : null;
        if (current !== body.base_version) {
          throw AppError.conflict(`the server has version ${current ?? 'none'} and this push was made from ${body.base_version ?? 'none'}: pull first`, 'sync_conflict');
        }
        const row = {
          id: newId(), user_id: userId, version: (current ?? 0) + 1, files: JSON.stringify(body.files), file_count: Object.keys(body.files).length,
          content_hash: filesHash(body.files), machine_id: body.machine_id ?? null, created_at: clock.now().toISOString(),
        };
        await trx.insertInto('config_versions').values(row).execute();
        await audit.record(trx as never, ctx, { action: 'push', entity: 'config_version', entity_id: row.id, changes: { version: row.version, files: Object.keys(body.files) } });
        return meta(row);
      });
    },

    async latest(ctx: RequestContext) {
      const head = await newest(db, userOf(ctx));
      if (!head) throw AppError.notFound('configuration version');
      return { ...meta(head), files: JSON.parse(head.files as string) as Record<string, string> };
    },

    async list(ctx: RequestContext) {
      const rows = await db.selectFrom('config_versions').select([...META]).where('user_id', '=', userOf(ctx)).orderBy('version', 'desc').limit(100).execute();
      return { items: rows.map(meta) };
    },
  };
}

export type ConfigSyncService = ReturnType<typeof createConfigSyncService>;
