import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { requestOnce } from '../../src/hook/http-once.js';
import { TransientError } from '../../src/hook/http.js';
import { ResponseReader } from '../../src/hook/http-response.js';

/** Feeds a response to a reader in pieces of `size` bytes, as a socket might deliver it. */
function readInPieces(raw: string, size: number, reader = new ResponseReader()) {
  const bytes = Buffer.from(raw);
  for (let i = 0; i < bytes.length; i += size) {
    const res = reader.push(bytes.subarray(i, i + size));
    if (res) return { status: res.status, body: res.body.toString() };
  }
  const res = reader.end();
  return { status: res.status, body: res.body.toString() };
}

describe('hook HTTP response reader', () => {
  it('frames a body by Content-Length, by chunks (extensions, trailers) and by the end of the connection, however it is split', () => {
    const cases: [string, { status: number; body: string }][] = [
      ['HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"a":"ü1"}', { status: 200, body: '{"a":"ü1"}' }],
      ['HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{"a"\r\n5\r\n:"b"}\r\n0\r\nX-Trailer: 1\r\n\r\n', { status: 201, body: '{"a":"b"}' }],
      ['HTTP/1.0 503 Service Unavailable\r\nServer: proxy\r\n\r\ndown for maintenance', { status: 503, body: 'down for maintenance' }],
      ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nX: 1\r\n\r\n', { status: 204, body: '' }],
      ['HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n', { status: 200, body: '' }],
    ];
    for (const [raw, want] of cases) {
      for (const size of [1, 2, 3, 7, 1000]) expect(readInPieces(raw, size), `${JSON.stringify(raw)} in ${size}-byte pieces`).toEqual(want);
    }
  });

  it('is done as soon as the framed body is in, whether or not the server closes; a HEAD answer has no body', () => {
    expect(new ResponseReader().push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))?.body.toString()).toBe('ok');
    expect(new ResponseReader(true).push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n'))?.status).toBe(200);
  });

  it('refuses what is not a whole HTTP response', () => {
    expect(() => readInPieces('SSH-2.0-OpenSSH_9.6\r\n\r\n', 100)).toThrow(/not an HTTP/);
    expect(() => readInPieces('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', 100)).toThrow(/before the response was complete/);
    expect(() => readInPieces('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 100)).toThrow(/chunk/);
    expect(() => readInPieces('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 100)).toThrow(/content-length/);
    expect(() => new ResponseReader().push(Buffer.alloc(70 * 1024, 'a'))).toThrow(/too large/);
  });
});

describe('hook one-request HTTP client', () => {
  const servers: Server[] = [];
  afterAll(() => { for (const s of servers) s.close(); });
  const listen = async (server: Server) => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const seen: { method?: string; url?: string; headers?: IncomingMessage['headers']; body?: string }[] = [];
  const echo = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      // Answered after a pause, as recall is: a client that half-closed after its request would lose this.
      setTimeout(() => {
        if (req.url?.startsWith('/ct/api/chunked')) { res.write('{"parts":'); res.end('[1,2]}'); return; }
        res.setHeader('content-type', 'application/json');
        res.statusCode = req.url?.startsWith('/ct/api/missing') ? 404 : 200;
        res.end(JSON.stringify({ got: body ? JSON.parse(body) : null }));
      }, 30);
    });
  };

  it('sends JSON with the key to a server under a path prefix and reads its answer, Content-Length or chunked', async () => {
    const port = await listen(createHttpServer(echo));
    const conn = { server: `http://127.0.0.1:${port}/ct/`, key: 'ct_key' };
    expect(await requestOnce(conn, 'POST', '/api/memory/recall?x=1', { query: 'déjà vu' }, 2000)).toEqual({ status: 200, body: { got: { query: 'déjà vu' } } });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/ct/api/memory/recall?x=1', body: '{"query":"déjà vu"}',
      headers: { host: `127.0.0.1:${port}`, authorization: 'Bearer ct_key', 'content-type': 'application/json', accept: 'application/json' } });
    expect(await requestOnce(conn, 'GET', '/api/chunked', undefined, 2000)).toEqual({ status: 200, body: { parts: [1, 2] } });
    expect(await requestOnce({ ...conn, key: undefined }, 'GET', '/api/missing', undefined, 2000)).toMatchObject({ status: 404 });
    expect(seen.at(-1)!.headers!.authorization).toBeUndefined();
  });

  it('fails with TransientError when nothing listens, the server hangs, or what answers is not HTTP', async () => {
    const closed = await listen(createServer());
    servers.pop()!.close();
    await expect(requestOnce({ server: `http://127.0.0.1:${closed}`, key: 'k' }, 'GET', '/api/health', undefined, 2000)).rejects.toBeInstanceOf(TransientError);
    const hanging = await listen(createServer(() => { /* accepts and never answers */ }));
    const started = Date.now();
    await expect(requestOnce({ server: `http://127.0.0.1:${hanging}`, key: 'k' }, 'GET', '/api/health', undefined, 300)).rejects.toThrow(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
    const ssh = await listen(createServer((s: Socket) => s.end('SSH-2.0-OpenSSH_9.6\r\n\r\n')));
    await expect(requestOnce({ server: `http://127.0.0.1:${ssh}`, key: 'k' }, 'GET', '/api/health', undefined, 2000)).rejects.toBeInstanceOf(TransientError);
    await expect(requestOnce({ server: 'ftp://host', key: 'k' }, 'GET', '/api/health', undefined, 2000)).rejects.toBeInstanceOf(TransientError);
    await expect(requestOnce({ server: 'http://127.0.0.1:1', key: 'k\r\nX-Evil: 1' }, 'GET', '/api/health', undefined, 2000)).rejects.toThrow(/header/);
  });

  it('speaks TLS to an https server and checks its certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const port = await listen(createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, echo));
    // A certificate this machine does not trust is refused, as https.request refuses it.
    await expect(requestOnce({ server: `https://127.0.0.1:${port}/ct`, key: 'k' }, 'POST', '/api/x', { a: 1 }, 2000)).rejects.toThrow(/self[- ]signed/);
    // Trusted through NODE_EXTRA_CA_CERTS (read at start, so in a child process), by IP and by name.
    const script = `import { requestOnce } from ${JSON.stringify(join(import.meta.dirname, '../../src/hook/http-once.ts'))};
      for (const host of ['127.0.0.1', 'localhost']) console.log(JSON.stringify(await requestOnce({ server: 'https://' + host + ':${port}/ct', key: 'k' }, 'POST', '/api/x', { a: 1 }, 5000)));`;
    // Not execFileSync: the server answering it lives in this process.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') }, encoding: 'utf8' });
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ status: 200, body: { got: { a: 1 } } }, { status: 200, body: { got: { a: 1 } } }]);
  });
});
