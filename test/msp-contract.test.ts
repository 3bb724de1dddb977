import { beforeAll, describe } from 'vitest';
import * as E from '../src/modules/all-entities.js';
import type { Entity } from '../src/entities/define-entity.js';
import { crudContract } from './support/crud-contract.js';
import { describeEachDialect } from './support/dialects.js';
import { mspBuild, seedParents, type Parents } from './support/msp.js';

/** Every MSP entity meets the CRUD contract, on every dialect. */
const CASES: [Entity, (p: Parents) => Record<string, unknown>, Record<string, unknown>][] = [
  [E.Client, () => mspBuild.client(), { status: 'inactive', default_hourly_rate: 99.5 }],
  [E.Tag, () => ({ name: `tag-${Math.random().toString(36).slice(2, 8)}`, category: 'technology' }), { description: 'A database' }],
  [E.Project, (p) => mspBuild.project(p), { status: 'on_hold', budget_hours: 12.5 }],
  [E.Session, (p) => mspBuild.session(p), { title: 'Renamed session', is_billable: true }],
  [E.WorkItem, (p) => mspBuild.work_item(p), { priority: 'low', technologies: ['dns'] }],
  [E.Task, (p) => mspBuild.task(p), { title: 'Renamed task', task_order: 5 }],
  [E.BillableTime, (p) => mspBuild.time(p), { description: 'Changed', category: 'project' }],
  [E.Site, (p) => mspBuild.site(p), { city: 'Hamburg', vpn_required: false }],
  [E.Infrastructure, (p) => mspBuild.infrastructure(p), { role: 'web server', status: 'decommissioned' }],
  [E.Service, (p) => mspBuild.service(p), { status: 'degraded', port: 8443 }],
  [E.Network, (p) => mspBuild.network(p), { vlan_id: 20, cidr: '10.0.20.0/24' }],
  [E.FirewallRule, (p) => mspBuild.firewall_rule(p), { enabled: false, rule_order: 20 }],
  [E.M365Tenant, (p) => mspBuild.m365_tenant(p), { tenant_name: 'Renamed tenant' }],
  [E.FileChange, (p) => mspBuild.file_change(p), { summary: 'Refactored' }],
  [E.CommandRun, (p) => mspBuild.command_run(p), { output_summary: 'ok' }],
  [E.ProblemSolution, (p) => mspBuild.problem_solution(p), { root_cause: 'Stale cache', recurrence_count: 2 }],
  [E.EnvironmentalInsight, (p) => mspBuild.environmental_insight(p), { confidence: 'confirmed', verification_count: 3 }],
  [E.FailurePattern, (p) => mspBuild.failure_pattern(p), { severity: 'high', occurrence_count: 4 }],
  [E.BackupLog, (p) => mspBuild.backup_log(p), { verified_at: '2026-01-02T00:00:00.000Z' }],
];

describeEachDialect('MSP entities: the CRUD contract', (t) => {
  for (const [entity, build, patch] of CASES) {
    describe(entity.table, () => {
      let parents: Parents;
      beforeAll(async () => { parents = await seedParents(t()); });
      crudContract(t, { entity, build: () => build(parents), patch: () => patch });
    });
  }
});
