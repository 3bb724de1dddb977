import type { Command } from 'commander';
import { apiClient, qs } from '../api-client.js';
import { entrySpan } from '../../modules/billable-time/rules.js';
import { resolveHandle } from '../handles.js';
import { CliError, printJson, printTable } from '../output.js';

type Row = Record<string, any>;
type Page = { items: Row[]; total: number };

const show = (json: boolean, rows: Row[], columns: string[]) => (json ? printJson(rows) : printTable(rows, columns));


export function workCommands(program: Command): void {
  const client = program.command('client').description('Clients (over the HTTP API)');
  client.command('list').option('--status <status>').option('--json')
    .action(async (o) => { const p = await apiClient().get<Page>(`/api/clients${qs({ status: o.status, limit: 500 })}`); show(o.json, p.items, ['short_code', 'name', 'status', 'default_hourly_rate', 'id']); });
  client.command('add').requiredOption('--name <name>').requiredOption('--code <short_code>').option('--rate <hourly>', 'default hourly rate')
    .option('--email <email>').option('--type <client_type>', 'msp_client | internal | prospect').option('--json')
    .action(async (o) => {
      const row = await apiClient().post<Row>('/api/clients', { name: o.name, short_code: o.code, email: o.email, client_type: o.type, default_hourly_rate: o.rate === undefined ? undefined : Number(o.rate) });
      o.json ? printJson(row) : process.stdout.write(`Added client ${row.short_code} (${row.id})\n`);
    });
  client.command('show <client>').description('A client by short code or id, with its sites and projects').option('--json')
    .action(async (handle, o) => {
      const api = apiClient();
      const id = await resolveHandle(api, 'clients', 'short_code', handle);
      const [row, sites, projects] = await Promise.all([api.get<Row>(`/api/clients/${id}`), api.get<Page>(`/api/clients/${id}/sites`), api.get<Page>(`/api/clients/${id}/projects`)]);
      if (o.json) return printJson({ ...row, sites: sites.items, projects: projects.items });
      process.stdout.write(`${row.name} (${row.short_code}) ${row.status}, rate ${row.default_hourly_rate ?? '-'}\n\nSites\n`);
      printTable(sites.items, ['name', 'city', 'id']);
      process.stdout.write('\nProjects\n');
      printTable(projects.items, ['slug', 'name', 'status', 'id']);
    });

  const project = program.command('project').description('Projects (over the HTTP API)');
  project.command('list').option('--client <client>', 'short code or id').option('--status <status>').option('--json')
    .action(async (o) => {
      const api = apiClient();
      const p = await api.get<Page>(`/api/projects${qs({ client_id: await resolveHandle(api, 'clients', 'short_code', o.client), status: o.status, limit: 500 })}`);
      show(o.json, p.items, ['slug', 'name', 'status', 'client_id', 'id']);
    });
  project.command('add').requiredOption('--name <name>').requiredOption('--slug <slug>').option('--client <client>').option('--json')
    .action(async (o) => {
      const api = apiClient();
      const row = await api.post<Row>('/api/projects', { name: o.name, slug: o.slug, client_id: await resolveHandle(api, 'clients', 'short_code', o.client) });
      o.json ? printJson(row) : process.stdout.write(`Added project ${row.slug} (${row.id})\n`);
    });

  const task = program.command('task').description('Tasks (over the HTTP API)');
  task.command('list').option('--project <project>', 'slug or id').option('--status <status>').option('--json')
    .action(async (o) => {
      const api = apiClient();
      const p = await api.get<Page>(`/api/tasks${qs({ project_id: await resolveHandle(api, 'projects', 'slug', o.project), status: o.status, sort: 'task_order', limit: 500 })}`);
      show(o.json, p.items, ['status', 'title', 'task_type', 'id']);
    });
  task.command('add').requiredOption('--title <title>').option('--project <project>').option('--parent <task_id>').option('--type <task_type>').option('--json')
    .action(async (o) => {
      const api = apiClient();
      const projectId = await resolveHandle(api, 'projects', 'slug', o.project);
      const clientId = projectId ? (await api.get<Row>(`/api/projects/${projectId}`)).client_id : undefined;
      const row = await api.post<Row>('/api/tasks', { title: o.title, project_id: projectId, client_id: clientId, parent_task_id: o.parent, task_type: o.type });
      o.json ? printJson(row) : process.stdout.write(`Added task ${row.id}\n`);
    });
  task.command('done <task_id>').option('--json')
    .action(async (id, o) => {
      const row = await apiClient().patch<Row>(`/api/tasks/${id}`, { status: 'completed' });
      o.json ? printJson(row) : process.stdout.write(`Completed: ${row.title}\n`);
    });

  const time = program.command('time').description('Billable time (over the HTTP API)');
  time.command('log').requiredOption('--client <client>').option('--project <project>')
    .option('--start <iso>', 'start time (default: --minutes before now)').option('--end <iso>', 'end time (default: now)').option('--minutes <n>')
    .option('--desc <text>').option('--category <category>').option('--rate <hourly>').option('--no-billable').option('--json')
    .action(async (o) => {
      const api = apiClient();
      const span = entrySpan({ minutes: o.minutes === undefined ? undefined : Number(o.minutes), start: o.start, end: o.end }, new Date());
      if (!span) throw new CliError('Give --start and --end, or --minutes');
      const row = await api.post<Row>('/api/billable-time', {
        client_id: await resolveHandle(api, 'clients', 'short_code', o.client), project_id: await resolveHandle(api, 'projects', 'slug', o.project),
        ...span, description: o.desc, category: o.category,
        hourly_rate: o.rate === undefined ? undefined : Number(o.rate), is_billable: o.billable,
      });
      o.json ? printJson(row) : process.stdout.write(`Logged ${row.duration_minutes} min, ${row.amount} (${row.id})\n`);
    });
  time.command('summary').option('--client <client>').option('--project <project>').option('--from <iso>').option('--to <iso>')
    .option('--group-by <g>', 'client | project | category | day', 'client').option('--json')
    .action(async (o) => {
      const api = apiClient();
      const s = await api.get<Row>(`/api/billable-time/summary${qs({
        client_id: await resolveHandle(api, 'clients', 'short_code', o.client), project_id: await resolveHandle(api, 'projects', 'slug', o.project),
        from: o.from && new Date(o.from).toISOString(), to: o.to && new Date(o.to).toISOString(), group_by: o.groupBy,
      })}`);
      if (o.json) return printJson(s);
      printTable(s.groups, ['label', 'entries', 'hours', 'billable_hours', 'amount']);
      process.stdout.write(`Total: ${s.totals.hours} h, ${s.totals.amount}\n`);
    });
}
