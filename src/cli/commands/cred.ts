import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { apiClient, qs, type ApiClient } from '../api-client.js';
import { resolveHandle } from '../handles.js';
import { CliError, printJson, printTable } from '../output.js';

type Row = Record<string, any>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A credential by id, or by a search that matches exactly one (service name, username or URL). */
async function resolveCredential(api: ApiClient, handle: string): Promise<string> {
  if (UUID.test(handle)) return handle;
  const page = await api.get<{ items: Row[] }>(`/api/credentials${qs({ q: handle, limit: 10 })}`);
  if (page.items.length === 1) return page.items[0]!.id;
  throw new CliError(page.items.length ? `${page.items.length} credentials match "${handle}"; give the id` : `No credential matches "${handle}"`);
}

/** Secrets come from stdin (never from arguments, which `ps` and shell history show): JSON of fields, or the password alone. */
function secretsFromStdin(): Record<string, string> {
  const text = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  if (text.trimStart().startsWith('{')) {
    try { return JSON.parse(text); } catch { throw new CliError('stdin starts with { but is not valid JSON'); }
  }
  return { password: text };
}

/**
 * Calls a reveal-like endpoint; when the server requires a reason and none was given, asks for one on a
 * terminal (or says to pass --reason when not interactive) and tries once more.
 */
async function withReason<T>(reason: string | undefined, call: (reason?: string) => Promise<T>): Promise<T> {
  try {
    return await call(reason);
  } catch (e) {
    if (!(e instanceof CliError) || e.code !== 'reason_required' || reason) throw e;
    if (!process.stdin.isTTY) throw new CliError('The server requires a reason: pass --reason "..."');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const asked = (await rl.question('Reason for this reveal (recorded in the audit log): ')).trim();
    rl.close();
    if (!asked) throw new CliError('A reason is required');
    return call(asked);
  }
}

export function credCommands(program: Command): void {
  const cred = program.command('cred').description('Credentials in the vault (over the HTTP API)');

  cred.command('list').description('Metadata only; nothing is decrypted').option('--client <client>', 'short code or id').option('--type <credential_type>')
    .option('--search <text>', 'service name, username or URL').option('--expires-before <iso>').option('--json')
    .action(async (o) => {
      const api = apiClient();
      const p = await api.get<{ items: Row[] }>(`/api/credentials${qs({
        client_id: await resolveHandle(api, 'clients', 'short_code', o.client), credential_type: o.type, q: o.search,
        expires_before: o.expiresBefore && new Date(o.expiresBefore).toISOString(), limit: 500,
      })}`);
      o.json ? printJson(p.items) : printTable(p.items, ['service_name', 'username', 'credential_type', 'has_password', 'has_totp', 'expires_at', 'id']);
    });

  cred.command('add').description('Add a credential; secrets are read from stdin (the password, or JSON such as {"password":"...","totp_secret":"..."})')
    .requiredOption('--service <service_name>').option('--client <client>', 'short code or id').option('--type <credential_type>')
    .option('--username <username>').option('--url <url>').option('--no-secrets', 'read nothing from stdin').option('--restricted', 'only admins and granted users see it')
    .option('--json')
    .action(async (o) => {
      const api = apiClient();
      const row = await api.post<Row>('/api/credentials', {
        service_name: o.service, client_id: await resolveHandle(api, 'clients', 'short_code', o.client), credential_type: o.type,
        username: o.username, url: o.url, restricted: o.restricted, ...(o.secrets === false ? {} : secretsFromStdin()),
      });
      o.json ? printJson(row) : process.stdout.write(`Added credential ${row.service_name} (${row.id})\n`);
    });

  cred.command('show <credential>').description('Metadata and secret versions (audited as a view)').option('--json')
    .action(async (handle, o) => {
      const api = apiClient();
      const id = await resolveCredential(api, handle);
      const [row, versions] = [await api.get<Row>(`/api/credentials/${id}`), await api.get<{ items: Row[] }>(`/api/credentials/${id}/versions`)];
      if (o.json) return printJson({ ...row, versions: versions.items });
      for (const k of ['service_name', 'username', 'url', 'credential_type', 'client_id', 'expires_at', 'last_rotated_at', 'secret_version', 'id']) {
        process.stdout.write(`${k.padEnd(16)} ${row[k] ?? ''}\n`);
      }
      process.stdout.write(`secrets set      ${Object.keys(row).filter((k) => k.startsWith('has_') && row[k]).map((k) => k.slice(4)).join(', ') || '(none)'}\n\nVersions\n`);
      printTable(versions.items, ['version', 'current', 'created_at', 'replaced_at']);
    });

  cred.command('reveal <credential>').description('Print the secrets (audited; asks for a reason when the server requires one)')
    .option('--reason <text>').option('--version <n>').option('--field <field>', 'print only this secret, raw (for piping)').option('--json')
    .action(async (handle, o) => {
      const api = apiClient();
      const id = await resolveCredential(api, handle);
      const r = await withReason(o.reason, (reason) => api.post<Row>(`/api/credentials/${id}/reveal`, { reason, version: o.version === undefined ? undefined : Number(o.version) }));
      if (o.field) {
        if (r.secrets[o.field] === undefined) throw new CliError(`No ${o.field} in version ${r.version}`);
        return void process.stdout.write(`${r.secrets[o.field]}\n`);
      }
      if (o.json) return printJson(r);
      for (const [k, v] of Object.entries(r.secrets as Record<string, string>)) process.stdout.write(`${k.padEnd(18)} ${v}\n`);
    });

  cred.command('totp <credential>').description('The current TOTP code (audited)').option('--reason <text>').option('--json')
    .action(async (handle, o) => {
      const api = apiClient();
      const id = await resolveCredential(api, handle);
      const r = await withReason(o.reason, (reason) => api.get<Row>(`/api/credentials/${id}/totp${qs({ reason })}`));
      o.json ? printJson(r) : process.stdout.write(`${r.code}  (valid ${r.expires_in}s more)\n`);
    });
}
