import { qs, type ApiClient } from './api-client.js';
import { CliError } from './output.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id, or a human handle (project slug, client short code) looked up by `field`: the id, or a CliError naming the handle. */
export async function resolveHandle(api: ApiClient, path: 'projects' | 'clients', field: 'slug' | 'short_code', value: string | undefined): Promise<string | undefined> {
  if (!value) return undefined;
  if (UUID.test(value)) return value;
  const page = await api.get<{ items: { id: string }[] }>(`/api/${path}${qs({ [field]: value, limit: 1 })}`);
  if (!page.items.length) throw new CliError(`No ${path.replace(/s$/, '')} with ${field} ${value}`);
  return page.items[0]!.id;
}
