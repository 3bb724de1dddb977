import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { buildServices } from '../../src/app.js';
import type { Db } from '../../src/db/database.js';
import { introspect } from '../../src/backup/introspect.js';
import { rotateDataKeys } from '../../src/modules/vault/rotation.js';
import { kindOf, toPortable } from '../../src/backup/values.js';
import type { TestApp } from '../support/app.js';
import { mspBuild, seedParents } from '../support/msp.js';

/** A word only the filled memory holds, to prove full-text search works on a restored database. */
export const MARKER = 'zebracorn';

/**
 * Fills every table through the API (so audit rows, tag junctions and the full-text index are made
 * the way production makes them), with a task tree and an infrastructure parent for the
 * self-references. Returns the project whose memory holds MARKER.
 */
export async function fillEveryTable(t: TestApp): Promise<{ projectId: string }> {
  const post = async (url: string, payload: unknown, method: 'POST' | 'PUT' = 'POST') => {
    const res = await t.app.inject({ method, url, payload: payload as object, headers: t.adminHeaders });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const p = await seedParents(t);
  const parentTask = await post('/api/tasks', mspBuild.task(p));
  await post('/api/tasks', mspBuild.task(p, { parent_task_id: parentTask.id, title: 'Sub task' }));
  await post('/api/infrastructure', mspBuild.infrastructure(p, { parent_host_id: p.infrastructure_id }));
  for (const [url, build] of [
    ['/api/work-items', mspBuild.work_item], ['/api/billable-time', mspBuild.time], ['/api/networks', mspBuild.network],
    ['/api/firewall-rules', mspBuild.firewall_rule], ['/api/m365-tenants', mspBuild.m365_tenant], ['/api/file-changes', mspBuild.file_change],
    ['/api/command-runs', mspBuild.command_run], ['/api/problem-solutions', mspBuild.problem_solution],
    ['/api/environmental-insights', mspBuild.environmental_insight], ['/api/failure-patterns', mspBuild.failure_pattern],
    ['/api/backup-logs', mspBuild.backup_log],
  ] as const) await post(url, build(p));
  const otherService = await post('/api/services', mspBuild.service(p));
  await post('/api/service-relationships', { from_service_id: p.service_id, to_service_id: otherService.id, relationship_type: 'depends_on' });
  const workItem = (await post('/api/work-items', mspBuild.work_item(p)));
  for (const [kind, id] of [['projects', p.project_id], ['clients', p.client_id], ['sessions', p.session_id], ['work-items', workItem.id]]) {
    await post(`/api/${kind}/${id}/tags`, { tags: ['dns', 'backup'] });
  }
  await post('/api/machines', { hostname: `host-${randomUUID().slice(0, 8)}`, platform: 'linux' });
  await post('/api/api-keys', { name: 'laptop' });
  await post('/api/memory/ingest', {
    project_id: p.project_id, session: { external_id: randomUUID() },
    turns: [
      { ref: 'm1', role: 'user', text: `The ${MARKER} NAS backup fails with ECONNREFUSED on port 5001`, at: '2026-03-01T09:00:00.000Z' },
      { ref: 'm2', role: 'assistant', text: 'We decided to open port 5001 on the NAS firewall because the backup server needs it.', at: '2026-03-01T09:01:00.000Z' },
    ],
  });
  await post(`/api/project-states/by-project/${p.project_id}`, { current_phase: 'testing', progress_percentage: 40 }, 'PUT');
  await post('/api/conversation-contexts', { project_id: p.project_id, context_type: 'general_context', title: 'Notes', dense_summary: 'Summary of the NAS work', tags: ['nas'] });
  await post('/api/context-snippets', { project_id: p.project_id, category: 'tech_decision', title: 'Snippet', dense_content: 'Use WireGuard', tags: ['vpn'] });
  await post('/api/decision-logs', { project_id: p.project_id, decision_type: 'technical', decision_text: 'Use WireGuard', rationale: 'faster', tags: ['vpn'] });
  await post('/api/config-sync/versions', { base_version: null, files: { 'CLAUDE.md': '# Rules\n', 'agents/reviewer.md': 'You review code.\n' } });
  // Hook events: an MSP session started and ended an hour later (its events, and the time it proposes).
  const hookSession = randomUUID();
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  await post('/api/hooks/events', { events: [
    { key: randomUUID(), type: 'session_start', at: hourAgo, session: hookSession, data: { mode: 'msp', client_id: p.client_id } },
    { key: randomUUID(), type: 'session_end', at: new Date().toISOString(), session: hookSession, data: { reason: 'logout' } },
  ] });
  // The vault: a credential with a second secret version, a grant, an incident naming it, and a data-key rotation.
  const credential = await post('/api/credentials', { client_id: p.client_id, service_name: 'Firewall admin', credential_type: 'password', username: 'admin', password: 'first-Secret-1' });
  await t.app.inject({ method: 'PATCH', url: `/api/credentials/${credential.id}`, payload: { password: 'second-Secret-2' }, headers: t.adminHeaders });
  const grantee = await t.makeUser('technician');
  const grant = await t.app.inject({ method: 'PUT', url: `/api/credentials/${credential.id}/permissions/${grantee.user.id}`, payload: { level: 'reveal' }, headers: t.adminHeaders });
  if (grant.statusCode >= 300) throw new Error(`grant: ${grant.statusCode} ${grant.body}`);
  await post('/api/security-incidents', { client_id: p.client_id, incident_type: 'credential_exposure', severity: 'high', detected_at: '2026-03-02T10:00:00.000Z', description: 'Password seen in a ticket', credential_ids: [credential.id] });
  const { vault, db, clock } = t.services;
  await rotateDataKeys({ db, keyring: vault.keyring, credentialAudit: vault.credentialAudit, clock });
  return { projectId: p.project_id };
}

/** Tables with no row: every table must be filled for the round trip to prove anything. */
export async function emptyTables(db: Kysely<any>): Promise<string[]> {
  const empty: string[] = [];
  for (const table of await introspect(db)) {
    const row = await db.selectFrom(table.name).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    if (Number(row.n) === 0) empty.push(table.name);
  }
  return empty;
}

/**
 * Every row of every table in the portable form, as objects (column order differs between
 * dialects), sorted in JS (collations differ too): equal dumps mean identical data.
 */
export async function dumpAll(db: Kysely<any>): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const table of await introspect(db)) {
    const rows = await db.selectFrom(table.name).selectAll().execute();
    out[table.name] = rows.map((r) => Object.fromEntries(table.columns.map((c) => [c.name, toPortable(r[c.name], kindOf(c.type))])))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

/** The app's services over another database with the same keys: recall and audit verification on a restored copy. */
export const servicesOver = (t: TestApp, database: Db) => buildServices({
  database, keys: t.keys,
  settings: { accessTokenTtl: 900, refreshTokenTtl: 86_400, bodyLimit: 1 << 20, trustProxy: false, auth: { maxFailures: 5, lockoutSeconds: 60, rateLimitPerMinute: 1000 } },
});
