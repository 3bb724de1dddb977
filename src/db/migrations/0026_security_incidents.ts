import { type Kysely } from 'kysely';
import { types as t } from '../dialect.js';

/** Security incidents, with the credentials involved as a JSON list of ids (checked by the service). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('security_incidents')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('client_id', t.id, (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('infrastructure_id', t.id, (c) => c.references('infrastructure.id').onDelete('set null'))
    .addColumn('service_id', t.id, (c) => c.references('services.id').onDelete('set null'))
    .addColumn('incident_type', t.string(30), (c) => c.notNull())
    .addColumn('severity', t.string(18), (c) => c.notNull())
    .addColumn('status', t.string(22), (c) => c.notNull())
    .addColumn('detected_at', t.timestamp, (c) => c.notNull())
    .addColumn('description', t.text(db), (c) => c.notNull())
    .addColumn('findings', t.text(db))
    .addColumn('remediation_steps', t.text(db))
    .addColumn('resolved_at', t.timestamp)
    .addColumn('credential_ids', t.json(db))
    .addColumn('notes', t.text(db))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  for (const col of ['client_id', 'infrastructure_id', 'service_id', 'incident_type', 'severity', 'status', 'detected_at']) {
    await db.schema.createIndex(`security_incidents_${col}_idx`).on('security_incidents').column(col).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('security_incidents').execute();
}
