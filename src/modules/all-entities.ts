/** Every declared entity, imported once so the registry (references, restrict checks) knows them all. */
export { User } from './users/entity.js';
export { Machine } from './machines/entity.js';
export { ApiKey } from './api-keys/entity.js';
export { Client } from './clients/entity.js';
export { Tag } from './tags/entity.js';
export { Project } from './projects/entity.js';
export { Session } from './sessions/entity.js';
export { WorkItem } from './work-items/entity.js';
export { Task } from './tasks/entity.js';
export { BillableTime } from './billable-time/entity.js';
export { Site } from './sites/entity.js';
export { Infrastructure } from './infrastructure/entity.js';
export { Service, ServiceRelationship } from './services/entity.js';
export { Network } from './networks/entity.js';
export { FirewallRule } from './firewall-rules/entity.js';
export { M365Tenant } from './m365-tenants/entity.js';
export { FileChange, CommandRun, ProblemSolution, EnvironmentalInsight, FailurePattern } from './work-context/entities.js';
export { BackupLog } from './backup-logs/entity.js';
