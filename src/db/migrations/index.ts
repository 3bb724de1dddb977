import type { Migration } from 'kysely';
import * as m0001 from './0001_users.js';
import * as m0002 from './0002_machines.js';
import * as m0003 from './0003_api_keys.js';
import * as m0004 from './0004_refresh_tokens.js';
import * as m0005 from './0005_audit_logs.js';
import * as m0006 from './0006_clients.js';
import * as m0007 from './0007_tags.js';
import * as m0008 from './0008_projects.js';
import * as m0009 from './0009_sessions.js';
import * as m0010 from './0010_work_items.js';
import * as m0011 from './0011_tasks.js';
import * as m0012 from './0012_billable_time.js';
import * as m0013 from './0013_sites.js';
import * as m0014 from './0014_infrastructure.js';
import * as m0015 from './0015_services.js';
import * as m0016 from './0016_networks.js';
import * as m0017 from './0017_firewall_rules.js';
import * as m0018 from './0018_m365_tenants.js';
import * as m0019 from './0019_work_context.js';
import * as m0020 from './0020_backup_logs.js';
import * as m0021 from './0021_tag_junctions.js';
import * as m0022 from './0022_context_tables.js';
import * as m0023 from './0023_memory_search.js';
import * as m0024 from './0024_vault_keys.js';
import * as m0025 from './0025_credentials.js';
import * as m0026 from './0026_security_incidents.js';
import * as m0027 from './0027_hook_events.js';
import * as m0028 from './0028_time_proposals.js';
import * as m0029 from './0029_memory_scope_terms.js';
import * as m0030 from './0030_config_versions.js';
import * as m0032 from './0032_restem_irregular.js';
import * as m0040 from './0040_list_page_indexes.js';
import * as m0041 from './0041_deferred_full_text.js';

/** Every migration, in order. Names are frozen once shipped; the last one is the schema version. */
export const migrations: Record<string, Migration> = {
  '0001_users': m0001,
  '0002_machines': m0002,
  '0003_api_keys': m0003,
  '0004_refresh_tokens': m0004,
  '0005_audit_logs': m0005,
  '0006_clients': m0006,
  '0007_tags': m0007,
  '0008_projects': m0008,
  '0009_sessions': m0009,
  '0010_work_items': m0010,
  '0011_tasks': m0011,
  '0012_billable_time': m0012,
  '0013_sites': m0013,
  '0014_infrastructure': m0014,
  '0015_services': m0015,
  '0016_networks': m0016,
  '0017_firewall_rules': m0017,
  '0018_m365_tenants': m0018,
  '0019_work_context': m0019,
  '0020_backup_logs': m0020,
  '0021_tag_junctions': m0021,
  '0022_context_tables': m0022,
  '0023_memory_search': m0023,
  '0024_vault_keys': m0024,
  '0025_credentials': m0025,
  '0026_security_incidents': m0026,
  '0027_hook_events': m0027,
  '0028_time_proposals': m0028,
  '0029_memory_scope_terms': m0029,
  '0030_config_versions': m0030,
  '0032_restem_irregular': m0032,
  '0040_list_page_indexes': m0040,
  '0041_deferred_full_text': m0041,
};
