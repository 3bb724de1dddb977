import type { Readable, Writable } from 'node:stream';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface StdioBridgeOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8000. */
  server: string;
  apiKey: string;
  stdin?: Readable;
  stdout?: Writable;
  /** Diagnostics go here (stderr): stdout carries only the protocol. */
  log?: (line: string) => void;
}

/** A failed forward as a message the agent can act on; the server's problem detail when it gave one. */
function explain(err: unknown, server: string): string {
  if (err instanceof StreamableHTTPError) {
    const problem = /\{.*\}\s*$/s.exec(err.message)?.[0];
    let detail = err.message;
    try { detail = problem ? JSON.parse(problem).detail ?? detail : detail; } catch { /* not JSON */ }
    if (err.code === 401) return `ClaudeTools at ${server} refused the API key (401: ${detail}); run claudetools login, or set CLAUDETOOLS_API_KEY`;
    return `ClaudeTools at ${server} answered ${err.code}: ${detail}`;
  }
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : (err as Error)?.message;
  return `Cannot reach ClaudeTools at ${server}: ${cause}`;
}

/**
 * `claudetools mcp`: MCP over stdio for an agent on this machine, as a transparent bridge to the
 * server's POST /mcp. Every message read on stdin is forwarded as is, every answer written back.
 *
 * Why a bridge, not the tools in this process: the tools live once, in the server, next to the data and
 * the scoping rules; this process holds nothing but the API key, needs no database, and offers whatever
 * the server offers (a newer server's tools appear without updating this machine). A forward that fails
 * (server down, key revoked) answers that request with a JSON-RPC error naming the cause, never hangs.
 */
export async function runStdioBridge(opts: StdioBridgeOptions): Promise<void> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`claudetools mcp: ${line}\n`));
  const stdin = opts.stdin ?? process.stdin;
  const local = new StdioServerTransport(stdin, opts.stdout ?? process.stdout);
  const remote = new StreamableHTTPClientTransport(new URL(`${opts.server.replace(/\/+$/, '')}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${opts.apiKey}` } },
  });
  const initializing = new Set<string | number>();
  const inFlight = new Set<Promise<void>>();

  local.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') initializing.add(message.id);
    const forward = remote.send(message).catch(async (err) => {
      if (isJSONRPCRequest(message)) await local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: explain(err, opts.server) } });
    }).finally(() => inFlight.delete(forward));
    inFlight.add(forward);
  };
  remote.onmessage = (message: JSONRPCMessage) => {
    // Later requests carry the negotiated version in their mcp-protocol-version header, as the spec asks.
    if (isJSONRPCResultResponse(message) && initializing.delete(message.id) && typeof message.result.protocolVersion === 'string') {
      remote.setProtocolVersion(message.result.protocolVersion);
    }
    void local.send(message);
  };
  remote.onerror = (err) => log(explain(err, opts.server));
  local.onerror = (err) => log(`stdio: ${err.message}`);

  const closed = new Promise<void>((resolve) => { local.onclose = resolve; });
  // The agent closing stdin ends the bridge, once the answers already asked for are written.
  stdin.once('end', () => { void Promise.allSettled([...inFlight]).then(() => local.close()); });
  await remote.start();
  await local.start();
  await closed;
  await remote.close();
}
