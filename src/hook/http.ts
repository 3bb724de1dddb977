import { requireBuiltin } from './builtins.js';
import { apiUrl } from './connection.js';
import type { Connection } from './env.js';

export interface HttpResult { status: number; body: unknown }

/** Network trouble or a server that answered "try later" (5xx, 408, 429, 401 while a key is being fixed). */
export class TransientError extends Error {}

/** The URL of an API path on the connection's server; a server URL that does not parse is a TransientError. */
export function requestUrl(conn: Connection, path: string): URL {
  try {
    // Joined as strings: `new URL(path, base)` would drop a path prefix such as https://host/ct.
    return new URL(apiUrl(conn.server, path));
  } catch {
    throw new TransientError(`bad server URL ${conn.server}`);
  }
}

/**
 * One JSON request over node:http (not fetch: loading undici costs tens of milliseconds), on Node's
 * keep-alive agent, so the flusher's and the CLI's many requests share a connection. A hook Claude waits
 * for makes one request and uses requestOnce (http-once.ts), which starts faster. Rejects with
 * TransientError on timeout or connection failure.
 */
export async function requestJson(conn: Connection, method: string, path: string, body: unknown, timeoutMs: number): Promise<HttpResult> {
  const url = requestUrl(conn, path);
  // Loaded on first use (hooks Claude waits for use requestOnce instead), and TLS only for an https server.
  const { request } = url.protocol === 'https:' ? requireBuiltin<typeof import('node:https')>('node:https') : requireBuiltin<typeof import('node:http')>('node:http');
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        ...(conn.key ? { authorization: `Bearer ${conn.key}` } : {}),
      },
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(deadline);
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', (e) => { clearTimeout(deadline); reject(new TransientError(e.message)); });
    });
    // `timeout` above only covers idle sockets; this bounds the whole exchange.
    const deadline = setTimeout(() => req.destroy(new TransientError(`timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('timeout', () => req.destroy(new TransientError(`timed out after ${timeoutMs} ms`)));
    req.on('error', (e) => { clearTimeout(deadline); reject(e instanceof TransientError ? e : new TransientError(e.message)); });
    req.end(payload);
  });
}

/**
 * Whether a failed delivery should be retried later (true) or set aside as one the server will never take
 * (false). 401/403/404 say more about the setup (a key being replaced, a wrong URL or proxy) than about the
 * entry: kept for later, and logged by the flusher with their status.
 */
export const isTransientStatus = (status: number) => status >= 500 || status === 0 || [401, 403, 404, 408, 429].includes(status);

/** Statuses that point at the configuration rather than at one entry. */
export const isSetupStatus = (status: number) => status === 401 || status === 403 || status === 404;

/**
 * A 404 from our own server about one entry (`not_found`: the session it names is gone or out of the key's
 * scope) is that entry's, and permanent; any other 404 (no such route: a wrong URL or proxy) is the setup's.
 */
export const isTransientResponse = (res: HttpResult) =>
  isTransientStatus(res.status) && !(res.status === 404 && (res.body as { code?: unknown } | null)?.code === 'not_found');
