import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import { schemaVersion } from '../db/migrator.js';
import { APP_VERSION } from '../version.js';
import { introspect, type TableInfo } from './introspect.js';
import { currentMasterKeyCheck } from './master-key-check.js';
import type { BackupRecord, Manifest } from './records.js';
import { insertOrder } from './table-order.js';
import { kindOf, toPortable } from './values.js';

export interface SnapshotOptions {
  backupType?: string;
  backupLogId?: string;
  /** Rows per query; bounds memory (one batch in flight) against round trips. */
  batchSize?: number;
}

/**
 * Reads every table inside one read transaction (PostgreSQL and MariaDB: repeatable read, a
 * consistent snapshot from the first read on; SQLite: one transaction, which in WAL mode sees one
 * snapshot and blocks no writer). Rows come in keyset-paginated batches ordered by primary key,
 * so memory stays bounded and the pages are stable however big a table is.
 */
export async function* readSnapshot(source: Db, opts: SnapshotOptions = {}): AsyncGenerator<BackupRecord> {
  const batchSize = opts.batchSize ?? 2000;
  const begin = source.db.startTransaction();
  const trx = source.dialect === 'sqlite' ? await begin.execute() : await begin.setIsolationLevel('repeatable read').setAccessMode('read only').execute();
  let committed = false;
  try {
    const tables = await introspect(trx);
    const byName = new Map(tables.map((t) => [t.name, t]));
    const order = insertOrder(tables);
    const counts: Record<string, number> = {};
    for (const name of order) counts[name] = await countRows(trx, name);
    const version = await schemaVersion(trx);
    if (!version) throw new Error('the database has no schema (no migration applied): nothing to back up');
    const manifest: Manifest = {
      format: 1, app_version: APP_VERSION, schema_version: version, dialect: source.dialect,
      created_at: new Date().toISOString(), backup_type: opts.backupType, backup_log_id: opts.backupLogId, tables: counts,
      master_key_check: currentMasterKeyCheck(),
    };
    yield { kind: 'manifest', manifest };
    for (const name of order) {
      const table = byName.get(name)!;
      yield { kind: 'table', table: name, columns: table.columns.map((c) => c.name) };
      let written = 0;
      for await (const rows of tableBatches(trx, table, batchSize)) {
        written += rows.length;
        yield { kind: 'rows', rows };
      }
      yield { kind: 'end', table: name, rows: written };
    }
    yield { kind: 'done' };
    await trx.commit().execute();
    committed = true;
  } finally {
    if (!committed) await trx.rollback().execute().catch(() => {});
  }
}

export async function countRows(db: Kysely<any>, table: string): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Batches of portable row arrays; keyset on the primary key (offset only for a table without one). */
async function* tableBatches(trx: Transaction<any>, table: TableInfo, batchSize: number): AsyncGenerator<unknown[][]> {
  const columns = table.columns.map((c) => c.name);
  const kinds = table.columns.map((c) => kindOf(c.type));
  const key = table.primaryKey.length ? table.primaryKey : columns;
  const keyed = table.primaryKey.length > 0;
  let cursor: Record<string, unknown> | null = null;
  for (let offset = 0; ; offset += batchSize) {
    let q = trx.selectFrom(table.name).select(columns).limit(batchSize);
    for (const k of key) q = q.orderBy(k);
    if (keyed && cursor) q = q.where((eb) => afterKey(eb, key, cursor!));
    else if (!keyed && offset) q = q.offset(offset);
    const rows = await q.execute();
    if (!rows.length) return;
    yield rows.map((r) => columns.map((c, i) => toPortable(r[c], kinds[i])));
    if (rows.length < batchSize) return;
    cursor = rows[rows.length - 1];
  }
}

/** (k1, k2, ...) > (v1, v2, ...) spelled out, which every dialect plans as an index range. */
function afterKey(eb: any, key: string[], cursor: Record<string, unknown>) {
  const terms = key.map((_, i) => eb.and([...key.slice(0, i).map((k) => eb(k, '=', cursor[k])), eb(key[i], '>', cursor[key[i]])]));
  return terms.length === 1 ? terms[0] : eb.or(terms);
}
