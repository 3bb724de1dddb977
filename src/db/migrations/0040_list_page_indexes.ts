import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * Indexes for the list pages people page through most: active clients A-Z, and one client's hosts by
 * hostname. Each holds the filter, then the sort column, then id (the list's tie-breaker), so the
 * database walks the page in order and skips an offset without reading rows or sorting.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('clients_status_name_id_idx').on('clients').columns(['status', 'name', 'id']).execute();
  await db.schema.createIndex('infrastructure_client_id_hostname_id_idx').on('infrastructure').columns(['client_id', 'hostname', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // MariaDB names the table an index is dropped from; the others refuse to.
  const drop = (index: string, table: string) => (dialectOf(db) === 'mysql' ? db.schema.dropIndex(index).on(table) : db.schema.dropIndex(index)).execute();
  await drop('infrastructure_client_id_hostname_id_idx', 'infrastructure');
  await drop('clients_status_name_id_idx', 'clients');
}
