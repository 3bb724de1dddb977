import { CliError } from './output.js';
import { readClientConfig } from './client-config.js';
import { apiUrl, resolveConnection } from '../hook/connection.js';

/**
 * The CLI's HTTP client: the server and API key come from `claudetools login` (or CLAUDETOOLS_SERVER /
 * CLAUDETOOLS_API_KEY); a problem+json error becomes one CLI error line with its field paths.
 */
export function apiClient(env = process.env) {
  const config = readClientConfig(env);
  // The same rule as the hooks, so what doctor checks is what the hooks use.
  const { server, key } = resolveConnection(env, config);

  async function call<T>(method: string, path: string, body?: unknown, opts: { auth?: boolean; raw?: boolean } = {}): Promise<T> {
    if (opts.auth !== false && !key) throw new CliError('Not logged in: run claudetools login --server URL');
    let res: Response;
    try {
      res = await fetch(apiUrl(server, path), {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.auth !== false ? { authorization: `Bearer ${key}` } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      throw new CliError(`Cannot reach ${server}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (!res.ok) {
      let detail = text;
      let code: string | undefined;
      try {
        const p = JSON.parse(text);
        code = p.code;
        detail = p.errors?.length ? p.errors.map((x: { path: string; message: string }) => `${x.path}: ${x.message}`).join('; ') : p.detail ?? p.title;
      } catch { /* not JSON */ }
      throw new CliError(`${res.status} ${detail}`, 1, code);
    }
    return (opts.raw ? text : JSON.parse(text)) as T;
  }

  return {
    server,
    /** The key calls send; `claudetools mcp` hands it to the stdio bridge. */
    apiKey: key,
    get: <T>(path: string, opts?: { raw?: boolean }) => call<T>('GET', path, undefined, opts),
    post: <T>(path: string, body?: unknown, opts?: { auth?: boolean }) => call<T>('POST', path, body, opts),
    patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
    del: (path: string) => call<void>('DELETE', path),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

export const qs = (params: Record<string, unknown>) => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
};
