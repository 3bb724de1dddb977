/** Names every local client uses; always allowed. */
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
/** Listening on these means "every interface": they name no host a client would send. */
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** The hostname of `http://<host>` or of an Origin URL, lowercased, IPv6 in brackets; null when it does not parse. */
function hostnameOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/** A configured host name (no port); a bare IPv6 address gets its brackets. */
const normalize = (host: string): string | null => hostnameOf(`http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}`);

/**
 * The host names /mcp answers to: the local names, the host the server listens on (unless it listens
 * on every interface), and the configured extras (CLAUDETOOLS_MCP_ALLOWED_HOSTS: the names clients
 * reach the server by, e.g. behind a reverse proxy).
 */
export function mcpAllowedHosts(listenHost: string, extra: readonly string[] = []): string[] {
  const named = [listenHost, ...extra].map((h) => h.trim()).filter((h) => h && !WILDCARDS.has(h));
  return [...new Set([...LOCAL_HOSTS, ...named.map(normalize).filter((h): h is string => h !== null)])];
}

/**
 * DNS-rebinding and cross-site protection, as the MCP spec asks of a Streamable HTTP server: the Host
 * must be one of ours, and an Origin, when a browser sends one, too. Null when the request may proceed,
 * otherwise why it is refused.
 */
export function refuseHostOrOrigin(host: string | undefined, origin: string | undefined, allowed: readonly string[]): string | null {
  const hostname = host ? hostnameOf(`http://${host}`) : null;
  if (!hostname || !allowed.includes(hostname)) {
    return `Host ${host ?? '(none)'} is not one this server answers MCP on; an admin adds it to CLAUDETOOLS_MCP_ALLOWED_HOSTS`;
  }
  if (origin !== undefined) {
    const from = hostnameOf(origin);
    if (!from || !allowed.includes(from)) return `Requests from the web origin ${origin} are refused`;
  }
  return null;
}
