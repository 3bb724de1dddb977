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
import { MAX_RESPONSE, MalformedResponse, ResponseReader } from '../../src/hook/http-response.js';

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

  /** Every split of `raw` in two, and one byte at a time: the outcome must not depend on how bytes arrive. */
  const everySplit = (raw: string, check: (read: () => { status: number; body: string }) => void) => {
    const bytes = Buffer.from(raw, 'latin1');
    for (let at = 0; at <= bytes.length; at++) {
      check(() => {
        const reader = new ResponseReader();
        for (const piece of [bytes.subarray(0, at), bytes.subarray(at)]) {
          const res = reader.push(piece);
          if (res) return { status: res.status, body: res.body.toString('latin1') };
        }
        const res = reader.end();
        return { status: res.status, body: res.body.toString('latin1') };
      });
    }
    check(() => readInPieces(raw, 1));
  };

  it('frames by Transfer-Encoding whatever Content-Length says (RFC 9112): chunked last, else the end of the connection', () => {
    everySplit('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      (read) => expect(read()).toEqual({ status: 200, body: 'hello' }));
    everySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      (read) => expect(read()).toEqual({ status: 200, body: 'ok' }));
    // A coding other than chunked last: the body (still coded; we never ask for one) runs to the close.
    everySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nabcdef',
      (read) => expect(read()).toEqual({ status: 200, body: 'abcdef' }));
    everySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      (read) => expect(read()).toEqual({ status: 200, body: '2\r\nok\r\n0\r\n\r\n' }));
    // Content-Length repeated with one value is that value; two values are refused.
    everySplit('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok',
      (read) => expect(read()).toEqual({ status: 200, body: 'ok' }));
    everySplit('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk',
      (read) => expect(read).toThrow(/content-length/));
  });

  it('refuses chunk data not followed by CRLF, however it is split', () => {
    for (const raw of ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcdXY0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcde\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\n\r0\r\n\r\n']) {
      everySplit(raw, (read) => expect(read).toThrow(/CRLF/));
    }
  });

  it('fails at once on a 101 (we never ask to switch protocols), however it is split', () => {
    const raw = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
    for (let at = 1; at <= raw.length; at++) {
      const reader = new ResponseReader();
      // Thrown by the push that completes the head, not left waiting for the connection's end.
      expect(() => { reader.push(Buffer.from(raw.slice(0, at))); reader.push(Buffer.from(raw.slice(at))); }).toThrow(MalformedResponse);
    }
    // After a 100 Continue as well.
    expect(() => new ResponseReader().push(Buffer.from(`HTTP/1.1 100 Continue\r\n\r\n${raw}`))).toThrow(/101/);
  });

  it(`reads at most ${MAX_RESPONSE} bytes of response, whatever frames the body`, () => {
    const big = 'a'.repeat(MAX_RESPONSE);
    expect(() => readInPieces(`HTTP/1.1 200 OK\r\n\r\n${big}`, 65536)).toThrow(/larger than/);
    expect(() => readInPieces(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${(1 << 16).toString(16)}\r\n${'a'.repeat(1 << 16)}\r\n`.repeat(1) +
      `${(1 << 16).toString(16)}\r\n${'a'.repeat(1 << 16)}\r\n`.repeat(16) + '0\r\n\r\n', 65536)).toThrow(/larger than/);
    // A declared length or chunk size over the limit is refused from its header, before the bytes come.
    expect(() => new ResponseReader().push(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${MAX_RESPONSE}\r\n\r\n`))).toThrow(/larger than/);
    expect(() => new ResponseReader().push(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffff\r\n'))).toThrow(/larger than/);
    // Just under it is read, by any framing.
    const fits = 'b'.repeat(MAX_RESPONSE - 100);
    expect(readInPieces(`HTTP/1.1 200 OK\r\n\r\n${fits}`, 65536).body).toBe(fits);
    expect(readInPieces(`HTTP/1.1 200 OK\r\nContent-Length: ${fits.length}\r\n\r\n${fits}`, 65536).body).toBe(fits);
  });

  it('reads a body framed by the end of the connection in linear time, however small the pieces', () => {
    const body = 'c'.repeat(MAX_RESPONSE - 100);
    const started = Date.now();
    // 16-byte pieces: ~65,000 pushes, which re-concatenating the body so far would make ~30 GB of copying.
    expect(readInPieces(`HTTP/1.1 200 OK\r\n\r\n${body}`, 16).body.length).toBe(body.length);
    expect(Date.now() - started).toBeLessThan(1000);
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

  /** A server that answers each connection with `answer` once the request is in (and records the request's bytes). */
  const rawServer = (answer: (s: Socket) => void, requests: Buffer[] = []) => createServer((s: Socket) => {
    s.on('error', () => {});
    let got = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.includes('\r\n\r\n') && !requests.includes(got)) {
        const head = got.subarray(0, got.indexOf('\r\n\r\n')).toString('latin1');
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (got.length >= head.length + 4 + length) { requests.push(got); answer(s); }
      }
    });
  });

  it('refuses a body over the limit framed by the end of the connection at once, not at the deadline (5 MB, 10 MB)', async () => {
    for (const mb of [5, 10]) {
      const port = await listen(rawServer((s) => {
        s.write('HTTP/1.0 200 OK\r\n\r\n');
        for (let i = 0; i < mb * 16; i++) s.write(Buffer.alloc(1 << 16, 0x61));
        s.end();
      }));
      const started = Date.now();
      const failure = await requestOnce({ server: `http://127.0.0.1:${port}`, key: 'k' }, 'POST', '/x', {}, 5000).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TransientError);
      expect((failure as Error).message).toMatch(/larger than/);
      expect(Date.now() - started).toBeLessThan(1000);
    }
  });

  it('fails at once on a 101, without waiting for the timeout', async () => {
    const port = await listen(rawServer((s) => s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'))); // and stays open
    const started = Date.now();
    await expect(requestOnce({ server: `http://127.0.0.1:${port}`, key: 'k' }, 'GET', '/api/health', undefined, 5000)).rejects.toThrow(/101/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('sends the request head as latin1 bytes with a body or without, and refuses a key that is not printable ASCII', async () => {
    const requests: Buffer[] = [];
    const port = await listen(rawServer((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'), requests));
    const conn = { server: `http://127.0.0.1:${port}/ct`, key: 'ct_k~ey 1' };
    expect(await requestOnce(conn, 'GET', '/api/x?q=d\u00e9j\u00e0', undefined, 2000)).toEqual({ status: 200, body: {} });
    expect(await requestOnce(conn, 'POST', '/api/x', { q: '\u00e9' }, 2000)).toEqual({ status: 200, body: {} });
    const heads = [`GET /ct/api/x?q=d%C3%A9j%C3%A0 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: application/json\r\nConnection: close\r\nAuthorization: Bearer ct_k~ey 1\r\n\r\n`,
      `POST /ct/api/x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: application/json\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 10\r\nAuthorization: Bearer ct_k~ey 1\r\n\r\n`];
    expect(requests).toEqual([Buffer.from(heads[0]!, 'latin1'), Buffer.concat([Buffer.from(heads[1]!, 'latin1'), Buffer.from('{"q":"\u00e9"}')])]);
    // Outside printable ASCII (a latin1 letter, a control character, a tab): refused before connecting, and
    // not as a TransientError: no retry can help.
    for (const key of ['ct_d\u00e9j\u00e0', 'ct_\u0100', 'ct_\x7f', 'ct_\t']) {
      const failure = await requestOnce({ ...conn, key }, 'GET', '/api/x', undefined, 2000).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toBeInstanceOf(TransientError);
      expect((failure as Error).message).toMatch(/printable ASCII/);
    }
    expect(requests).toHaveLength(2);
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
