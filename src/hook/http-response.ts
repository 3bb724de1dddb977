/**
 * Reads one HTTP/1.1 response from the bytes of a `Connection: close` exchange, as they arrive: the status
 * line, the headers, and a body framed by Content-Length, chunked transfer coding, or the end of the
 * connection. What a JSON client needs and no more (no upgrades, no trailers, no content coding: we never
 * ask for one), and no more than MAX_RESPONSE bytes: the hook waits for a small JSON answer. It lets the hook speak HTTP over node:net, whose modules the hook loads anyway to read its
 * stdin pipe, instead of loading node:http for one request.
 */

export interface RawResponse { status: number; body: Buffer }

export class MalformedResponse extends Error {}

type Framing = { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
/** A header block this large is not from our server. */
const MAX_HEAD = 64 * 1024;
/** All bytes of a response (interim answers, headers, body, chunk framing): more is not our server's answer. */
export const MAX_RESPONSE = 1024 * 1024;

export class ResponseReader {
  private pending: Buffer = Buffer.alloc(0);
  private status = 0;
  private framing: Framing | undefined;
  private readonly body: Buffer[] = [];
  /** Chunked coding: bytes still to read of the current chunk, then its CRLF. */
  private chunkLeft = 0;
  private inChunk = false;
  /** Bytes received so far, held to MAX_RESPONSE. */
  private received = 0;
  /** Bytes of the status lines and headers read so far. */
  private headBytes = 0;

  /** @param noBody the request was HEAD: whatever the headers say, no body follows. */
  constructor(private readonly noBody = false) {}

  /** Feeds received bytes; returns the response once it is complete. */
  push(data: Buffer): RawResponse | undefined {
    this.received += data.length;
    if (this.received > MAX_RESPONSE) throw new MalformedResponse(`response larger than ${MAX_RESPONSE} bytes`);
    // A body framed by the end of the connection is kept piece by piece (concatenated once, at the end).
    if (this.framing?.kind === 'close') {
      this.body.push(data);
      return undefined;
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    while (!this.framing) {
      const end = this.pending.indexOf(HEAD_END);
      if (end < 0) {
        if (this.pending.length > MAX_HEAD) throw new MalformedResponse('response headers too large');
        return undefined;
      }
      const head = this.pending.subarray(0, end).toString('latin1');
      this.pending = this.pending.subarray(end + HEAD_END.length);
      this.headBytes += end + HEAD_END.length;
      this.readHead(head);
    }
    return this.readBody();
  }

  /** The connection ended: the response if it is complete, else MalformedResponse. */
  end(): RawResponse {
    if (this.framing?.kind === 'close') return this.done();
    throw new MalformedResponse('connection closed before the response was complete');
  }

  private readHead(head: string) {
    const [statusLine = '', ...lines] = head.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
    if (!m) throw new MalformedResponse(`not an HTTP/1.1 response: ${statusLine.slice(0, 80)}`);
    const status = Number(m[1]);
    // We never ask to switch protocols: a 101 is no answer, and waiting on would only run into the timeout.
    if (status === 101) throw new MalformedResponse('unexpected 101 Switching Protocols');
    // 100 Continue, 103 Early Hints: interim answers, the real one follows.
    if (status >= 100 && status < 200) return;
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const seen = headers.get(name);
      // Repeated headers join as a list (RFC 9110 5.3); Content-Length is checked below.
      headers.set(name, seen === undefined ? value : `${seen}, ${value}`);
    }
    this.status = status;
    const coding = headers.get('transfer-encoding');
    if (this.noBody || status === 204 || status === 304) this.framing = { kind: 'length', left: 0 };
    // RFC 9112 6.1/6.3: Transfer-Encoding overrides Content-Length; chunked last frames the body, any other
    // coding last means the body runs to the end of the connection.
    else if (coding !== undefined) this.framing = /(?:^|,)[ \t]*chunked[ \t]*$/i.test(coding) ? { kind: 'chunked' } : { kind: 'close' };
    else if (headers.has('content-length')) this.framing = { kind: 'length', left: contentLength(headers.get('content-length')!) };
    else this.framing = { kind: 'close' };
    if (this.framing.kind === 'length' && this.headBytes + this.framing.left > MAX_RESPONSE) {
      throw new MalformedResponse(`response larger than ${MAX_RESPONSE} bytes`);
    }
    if (this.framing.kind === 'close' && this.pending.length) {
      this.body.push(this.pending);
      this.pending = Buffer.alloc(0);
    }
  }

  private readBody(): RawResponse | undefined {
    const framing = this.framing!;
    if (framing.kind === 'close') return undefined;
    if (framing.kind === 'length') {
      const take = this.pending.subarray(0, framing.left);
      this.body.push(take);
      framing.left -= take.length;
      this.pending = this.pending.subarray(take.length);
      return framing.left === 0 ? this.done() : undefined;
    }
    return this.readChunks();
  }

  private readChunks(): RawResponse | undefined {
    for (;;) {
      if (this.inChunk) {
        const take = this.pending.subarray(0, this.chunkLeft);
        this.body.push(take);
        this.chunkLeft -= take.length;
        this.pending = this.pending.subarray(take.length);
        if (this.chunkLeft > 0 || this.pending.length < CRLF.length) return undefined;
        if (!this.pending.subarray(0, CRLF.length).equals(CRLF)) throw new MalformedResponse('chunk data not followed by CRLF');
        this.pending = this.pending.subarray(CRLF.length);
        this.inChunk = false;
      }
      const eol = this.pending.indexOf(CRLF);
      if (eol < 0) return undefined;
      // `1a3;ext=1`: the size in hex, extensions ignored.
      const size = /^[0-9a-fA-F]+/.exec(this.pending.subarray(0, eol).toString('latin1'))?.[0];
      if (size === undefined) throw new MalformedResponse('bad chunk size');
      this.pending = this.pending.subarray(eol + CRLF.length);
      this.chunkLeft = parseInt(size, 16);
      if (this.chunkLeft > MAX_RESPONSE) throw new MalformedResponse(`response larger than ${MAX_RESPONSE} bytes`);
      // The last chunk: trailers, if any, are not read; the exchange is over.
      if (this.chunkLeft === 0) return this.done();
      this.inChunk = true;
    }
  }

  private done(): RawResponse {
    return { status: this.status, body: Buffer.concat(this.body) };
  }
}

/** `5`, or the same value repeated (`5, 5`: two Content-Length headers, or a list); differing values are refused. */
function contentLength(value: string): number {
  const values = new Set(value.split(',').map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || !/^\d+$/.test(only!)) throw new MalformedResponse(`bad content-length ${value}`);
  return Number(only);
}
