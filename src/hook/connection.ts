/**
 * Where the server is and which key to send: the one rule the hook client and the CLI share (pure, no
 * imports, so the dependency-free hook bundle can carry it).
 */

/** The server `npm start` runs on this machine; used when nothing else names one. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8000';

type EnvLike = Record<string, string | undefined>;

/**
 * The environment wins (CLAUDETOOLS_SERVER / CLAUDETOOLS_API_KEY, then a Claude Code plugin's userConfig,
 * exported as CLAUDE_PLUGIN_OPTION_*), then `~/.claudetools/config.json`, then the local default.
 */
export function resolveConnection(env: EnvLike, config: { server_url?: unknown; api_key?: unknown }): { server: string; key: string | undefined } {
  const server = env.CLAUDETOOLS_SERVER || env.CLAUDE_PLUGIN_OPTION_SERVER_URL || (typeof config.server_url === 'string' && config.server_url) || DEFAULT_SERVER_URL;
  const key = env.CLAUDETOOLS_API_KEY || env.CLAUDE_PLUGIN_OPTION_API_KEY || (typeof config.api_key === 'string' && config.api_key) || undefined;
  return { server: trimServer(server), key };
}

export const trimServer = (server: string) => server.trim().replace(/\/+$/, '');

/** `https://h/ct` + `/api/health` → `https://h/ct/api/health`: joined as strings, so a path prefix is kept. */
export const apiUrl = (server: string, path: string) => `${trimServer(server)}${path.startsWith('/') ? path : `/${path}`}`;
