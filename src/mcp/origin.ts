import { isIPv6 } from 'node:net';

/** Names every local client uses; always allowed, on the server's own port. */
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
/** Listening on these means "every interface": they name no host a client would send. */
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);
/** The ports a URL or Host header leaves out: what a client reaching us through a reverse proxy sends. */
const DEFAULT_PORTS = new Set([80, 443]);

/**
 * A name /mcp answers to, and on which ports:
 * - `own`: only the port the request came in on (the server's own port): the local names and the
 *   listening host, which clients reach directly; `http://localhost:5173` (another local web app) is foreign.
 * - `own-or-default`: that port, or a default port (80/443, or none given): a configured name without a
 *   port, usually a reverse proxy's public name (`ct.example.com` -> `https://ct.example.com`).
 * - a number: exactly that port (a configured `host:port`); 80 and 443 also match a Host/Origin without a port.
 */
export interface AllowedHost {
  hostname: string;
  port: 'own' | 'own-or-default' | number;
}

/** A `host[:port]` as written in a Host header or in CLAUDETOOLS_MCP_ALLOWED_HOSTS: lowercased, IPv6 in brackets. */
export interface HostPort { hostname: string; port?: number }

const HOSTNAME = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*\.?$/;

/**
 * Parses `host[:port]` (a DNS name or IPv4 address, a bracketed IPv6 address with an optional port, or
 * a bare IPv6 address): null for anything else (a scheme, a path, user info, a wildcard, a bad port).
 */
export function parseHostPort(text: string): HostPort | null {
  const value = text.trim().toLowerCase();
  if (!value) return null;
  if (!value.startsWith('[') && value.split(':').length > 2) return isIPv6(value) ? { hostname: `[${value}]` } : null;
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m) return null;
  const [, host, portText] = m as unknown as [string, string, string | undefined];
  if (host.startsWith('[') ? !isIPv6(host.slice(1, -1)) : !HOSTNAME.test(host)) return null;
  if (portText === undefined) return { hostname: host };
  const port = Number(portText);
  return port >= 1 && port <= 65535 ? { hostname: host, port } : null;
}

/** Why an entry of CLAUDETOOLS_MCP_ALLOWED_HOSTS is refused, or null when it is a valid `host[:port]`. */
export function allowedHostProblem(entry: string): string | null {
  return parseHostPort(entry) ? null
    : `"${entry}" is not host[:port] (e.g. ct.example.com, ct.example.com:8443 or 10.0.0.5; no scheme, path or wildcard)`;
}

/**
 * The names /mcp answers to: the local names and the host the server listens on (unless it listens on
 * every interface), on the server's own port; and the configured extras (CLAUDETOOLS_MCP_ALLOWED_HOSTS:
 * the names clients reach the server by, e.g. behind a reverse proxy), each `host` (its default ports or
 * the server's own) or `host:port` (exactly that port). Extras are validated when the config loads.
 */
export function mcpAllowedHosts(listenHost: string, extra: readonly string[] = []): AllowedHost[] {
  const out: AllowedHost[] = LOCAL_HOSTS.map((hostname) => ({ hostname, port: 'own' as const }));
  const add = (entry: AllowedHost) => {
    if (!out.some((e) => e.hostname === entry.hostname && e.port === entry.port)) out.push(entry);
  };
  const listen = WILDCARDS.has(listenHost.trim()) ? null : parseHostPort(listenHost);
  if (listen) add({ hostname: listen.hostname, port: 'own' });
  for (const entry of extra) {
    const parsed = parseHostPort(entry);
    if (!parsed) throw new Error(`CLAUDETOOLS_MCP_ALLOWED_HOSTS: ${allowedHostProblem(entry)}`);
    add({ hostname: parsed.hostname, port: parsed.port ?? 'own-or-default' });
  }
  return out;
}

/** Port `port` (undefined: none given, i.e. a default port) of `hostname` is one of ours, the request having come in on `own`. */
function isAllowed(allowed: readonly AllowedHost[], hostname: string, port: number | undefined, own: number | undefined): boolean {
  const isDefault = port === undefined || DEFAULT_PORTS.has(port);
  return allowed.some((entry) => {
    if (entry.hostname !== hostname) return false;
    if (typeof entry.port === 'number') return port === entry.port || (port === undefined && DEFAULT_PORTS.has(entry.port));
    if (own !== undefined && (port === own || (port === undefined && DEFAULT_PORTS.has(own)))) return true;
    return entry.port === 'own-or-default' && isDefault;
  });
}

/** The hostname and port of an http(s) Origin (the scheme's default port when it names none); null for anything else. */
function originHostPort(origin: string): { hostname: string; port: number } | null {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return { hostname: url.hostname.toLowerCase(), port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
  } catch {
    return null;
  }
}

/**
 * DNS-rebinding and cross-site protection, as the MCP spec asks of a Streamable HTTP server: the Host
 * (the raw header, never X-Forwarded-Host, which any client can send) must be one of ours, and an Origin,
 * when a browser sends one, too, host and port. `ownPort` is the port the request came in on (unknown:
 * only configured `host:port` entries match). Null when the request may proceed, otherwise why it is refused.
 */
export function refuseHostOrOrigin(host: string | undefined, origin: string | undefined, allowed: readonly AllowedHost[], ownPort?: number): string | null {
  const parsed = host ? parseHostPort(host) : null;
  if (!parsed || !isAllowed(allowed, parsed.hostname, parsed.port, ownPort)) {
    return `Host ${host ?? '(none)'} is not one this server answers MCP on; an admin adds it (host or host:port) to CLAUDETOOLS_MCP_ALLOWED_HOSTS`;
  }
  if (origin !== undefined) {
    const from = originHostPort(origin);
    if (!from || !isAllowed(allowed, from.hostname, from.port, ownPort)) return `Requests from the web origin ${origin} are refused`;
  }
  return null;
}
