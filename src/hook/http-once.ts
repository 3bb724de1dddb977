import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { requireBuiltin } from './builtins.js';
import type { Connection } from './env.js';
import { requestUrl, TransientError, type HttpResult } from './http.js';
import { ResponseReader } from './http-response.js';

/**
 * What an API key may hold: printable ASCII only. No control characters, so no header can be injected, and
 * nothing outside ASCII, which a header would carry as some encoding's bytes the server need not share.
 */
const API_KEY = /^[\x20-\x7e]*$/;

/**
 * The one request of a hook Claude waits for (recall, the session brief): HTTP/1.1 over node:net (node:tls
 * for https), `Connection: close`. Not node:http, whose modules cost such a hook ~6 ms of CPU at start
 * (measured on Node 20) while node:net is loaded anyway to read the stdin pipe. Same contract as
 * requestJson, which the flusher and the CLI keep using for its keep-alive connections across many
 * requests. Rejects with TransientError on a bad server URL, timeout, connection failure or a response that
 * is not HTTP (or larger than http-response.ts accepts); with a plain Error, not transient since no retry
 * can help, when the API key holds anything but printable ASCII. The request head goes out as latin1 bytes
 * (all ASCII but the path, which new URL percent-encodes).
 */
export async function requestOnce(conn: Connection, method: string, path: string, body: unknown, timeoutMs: number): Promise<HttpResult> {
  const url = requestUrl(conn, path);
  const https = url.protocol === 'https:';
  if (!https && url.protocol !== 'http:') throw new TransientError(`bad server URL ${conn.server}`);
  if (conn.key && !API_KEY.test(conn.key)) throw new Error('the API key holds characters other than printable ASCII, which a header cannot carry');
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const head = [
    `${method} ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    'Accept: application/json',
    'Connection: close',
    ...(payload ? ['Content-Type: application/json', `Content-Length: ${payload.length}`] : []),
    ...(conn.key ? [`Authorization: Bearer ${conn.key}`] : []),
  ].join('\r\n') + '\r\n\r\n';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // [::1] → ::1
  const port = Number(url.port) || (https ? 443 : 80);

  return new Promise((resolve, reject) => {
    const reader = new ResponseReader(method === 'HEAD');
    let settled = false;
    const finish = (result: HttpResult | Error) => {
      if (settled) return;
      settled = true;
      // Not cleared (clearTimeout's first call costs the prompt hook ~0.15 ms): unref'd, it holds nothing
      // open once the socket is gone, and should it fire later `settled` makes it a no-op.
      deadline.unref();
      socket.destroy();
      if (result instanceof Error) reject(result instanceof TransientError ? result : new TransientError(result.message));
      else resolve(result);
    };
    const answered = (raw: { status: number; body: Buffer }) => {
      const text = raw.body.toString('utf8');
      let parsed: unknown = text;
      try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
      finish({ status: raw.status, body: parsed });
    };
    // Certificates are checked as https.request checks them; SNI only for a name (Node refuses an IP there).
    const socket: Socket = https
      ? requireBuiltin<typeof import('node:tls')>('node:tls').connect({ host, port, servername: isIP(host) ? undefined : host })
      : connectTcp({ host, port });
    // Bounds the whole exchange, a stalled socket included (an idle timeout of the same length never fires first).
    const deadline = setTimeout(() => finish(new TransientError(`timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', finish);
    socket.on('data', (data: Buffer) => {
      try {
        const res = reader.push(data);
        if (res) answered(res);
      } catch (e) { finish(e as Error); }
    });
    socket.on('end', () => {
      try { answered(reader.end()); } catch (e) { finish(e as Error); }
    });
    socket.on('close', () => finish(new TransientError('connection closed before the response was complete')));
    // One write and no end(): a half-close after the request reads as the client giving up to Node's http
    // server and to proxies, which then drop the answer.
    const headBytes = Buffer.from(head, 'latin1');
    socket.write(payload ? Buffer.concat([headBytes, payload]) : headBytes);
  });
}
