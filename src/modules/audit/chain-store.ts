import type { Kysely } from 'kysely';
import { rowLock } from '../../db/dialect.js';
import { ChainVerifier, chainHash, normalizeRow, type ChainVerification } from './chain.js';

/**
 * The storage side of every audit chain: a table named after the chain with `seq`, `prev_hash` and
 * `hash` columns, and its tip in `audit_heads`. audit_logs and credential_audit_logs both use it.
 */
export async function appendToChain(trx: Kysely<any>, key: Buffer, chain: string, row: Record<string, unknown> & { id: string }): Promise<void> {
  // Locking the chain's head row serializes appends across connections and servers.
  const head = await trx.selectFrom('audit_heads').select(['seq', 'hash']).where('chain', '=', chain)
    .$call(rowLock(trx))
    .executeTakeFirstOrThrow();
  const linked = { ...row, seq: Number(head.seq) + 1, prev_hash: head.hash };
  const hash = chainHash(key, head.hash, normalizeRow(linked));
  await trx.insertInto(chain).values({ ...linked, hash }).execute();
  await trx.updateTable('audit_heads').set({ seq: linked.seq, hash }).where('chain', '=', chain).execute();
}

/** Walks one chain in pages and names its first altered, removed, inserted or truncated row. */
export async function verifyChain(db: Kysely<any>, key: Buffer, chain: string): Promise<ChainVerification> {
  const verifier = new ChainVerifier(key);
  const pageSize = 1000;
  for (let after = 0; ; ) {
    const rows = await db.selectFrom(chain).selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    for (const row of rows) if (!verifier.next(row as Parameters<ChainVerifier['next']>[0])) break;
    if (verifier.problem || rows.length < pageSize) break;
    after = Number(rows[rows.length - 1].seq);
  }
  const head = await db.selectFrom('audit_heads').select(['seq', 'hash']).where('chain', '=', chain).executeTakeFirst();
  return verifier.finish(head);
}
