import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseDatabaseUrl } from './db/url.js';
import { allowedHostProblem } from './mcp/origin.js';
import { isBase64Key } from './core/keyfile.js';

/**
 * The only reader of process.env. Settings come from the environment, then from an optional
 * `<CLAUDETOOLS_HOME>/config.json` (keys are the env names, lowercase, without `CLAUDETOOLS_`),
 * with the environment winning. Every invalid value is reported at once in one ConfigError.
 */
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const key = z.string().min(32, 'must be at least 32 characters (use: openssl rand -base64 32)');
/** The vault master key: the same form as <home>/keys/master.key, base64 of 32+ random bytes; never a passphrase. */
const base64Key = z.string().trim().refine((v) => isBase64Key(v), {
  message: 'must be base64 of at least 32 random bytes, the same form as <home>/keys/master.key (make one: openssl rand -base64 32); passphrases are not accepted',
});

const schema = z.object({
  home: z.string().min(1),
  database_url: z.string().min(1).superRefine((v, ctx) => {
    try { parseDatabaseUrl(v); } catch (e) { ctx.addIssue({ code: 'custom', message: (e as Error).message }); }
  }),
  host: z.string().min(1).default('127.0.0.1'),
  port: int(0, 65535).default(8000),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  migrate_on_start: bool.default(true),
  jwt_secret: key.optional(),
  audit_key: key.optional(),
  master_key: base64Key.optional(),
  admin_email: z.email().optional(),
  admin_password: z.string().min(12, 'must be at least 12 characters').max(256).optional(),
  access_token_ttl: int(60, 86_400).default(900),
  refresh_token_ttl: int(300, 365 * 86_400).default(30 * 86_400),
  body_limit: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  login_max_failures: int(1, 100).default(5),
  lockout_seconds: int(1, 86_400).default(60),
  auth_rate_limit: int(1, 100_000).default(30),
  trust_proxy: bool.default(false),
  vault_require_reason: bool.default(false),
  // Comma-separated in the environment; a list or a string in config.json.
  // Each entry host[:port] (see src/mcp/origin.ts); a URL or anything else is refused here, not dropped later.
  mcp_allowed_hosts: z.union([z.string().max(2000), z.array(z.string().max(255)).max(100)]).default('')
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((h) => h.trim()).filter(Boolean))
    .superRefine((hosts, ctx) => {
      for (const host of hosts) {
        const problem = allowedHostProblem(host);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }
    }),
  backup_key: key.optional(),
  backup_dir: z.string().min(1).optional(),
  backup_hour: int(0, 23).default(2),
  recall_index_max_items: int(0, 10_000_000).default(300_000),
});

export interface Config {
  home: string;
  databaseUrl: string;
  host: string;
  port: number;
  logLevel: string;
  migrateOnStart: boolean;
  jwtSecret?: string;
  auditKey?: string;
  masterKey?: string;
  adminEmail?: string;
  adminPassword?: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  bodyLimit: number;
  auth: { maxFailures: number; lockoutSeconds: number; rateLimitPerMinute: number };
  trustProxy: boolean;
  vaultRequireReason: boolean;
  /** Extra host names POST /mcp answers to, besides the local ones and `host`. */
  mcpAllowedHosts: string[];
  /** Backups: the archive key (else a key file), where scheduled backups go (unset: no schedule), the local hour they run. */
  backupKey?: string;
  backupDir?: string;
  backupHour: number;
  /** Recall keeps every memory's ranking data in memory up to this many items (0: never), else asks the database's full-text index. */
  recallIndexMaxItems: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const ENV_PREFIXED = ['home', 'jwt_secret', 'audit_key', 'master_key', 'admin_email', 'admin_password',
  'access_token_ttl', 'refresh_token_ttl', 'body_limit', 'login_max_failures', 'lockout_seconds',
  'auth_rate_limit', 'trust_proxy', 'migrate_on_start', 'mcp_allowed_hosts', 'vault_require_reason', 'backup_key', 'backup_dir', 'backup_hour', 'recall_index_max_items'];
const envName = (k: string) => (ENV_PREFIXED.includes(k) ? `CLAUDETOOLS_${k.toUpperCase()}` : k.toUpperCase());

function readConfigFile(home: string): Record<string, unknown> {
  const path = join(home, 'config.json');
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError([`${path}: not valid JSON (${(e as Error).message})`]);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError([`${path}: must hold a JSON object`]);
  // The config file is shared with the CLI (server URL, API key); keep only the server's keys.
  const known = Object.keys(schema.shape);
  return Object.fromEntries(Object.entries(parsed).filter(([k]) => known.includes(k)));
}

/** Builds the config from an environment (process.env by default); throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const home = resolve(env.CLAUDETOOLS_HOME || join(homedir(), '.claudetools'));
  const raw: Record<string, unknown> = { ...readConfigFile(home) };
  for (const k of Object.keys(schema.shape)) {
    const v = env[envName(k)];
    if (v !== undefined && v !== '') raw[k] = v;
  }
  raw.home = home;
  raw.database_url ??= `sqlite:${join(home, 'claudetools.db')}`;
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${envName(String(i.path[0] ?? '?'))}: ${i.message}`));
  }
  const c = result.data;
  return {
    home: c.home, databaseUrl: c.database_url, host: c.host, port: c.port, logLevel: c.log_level,
    migrateOnStart: c.migrate_on_start, jwtSecret: c.jwt_secret, auditKey: c.audit_key, masterKey: c.master_key,
    adminEmail: c.admin_email, adminPassword: c.admin_password,
    accessTokenTtl: c.access_token_ttl, refreshTokenTtl: c.refresh_token_ttl, bodyLimit: c.body_limit,
    auth: { maxFailures: c.login_max_failures, lockoutSeconds: c.lockout_seconds, rateLimitPerMinute: c.auth_rate_limit },
    trustProxy: c.trust_proxy, mcpAllowedHosts: c.mcp_allowed_hosts, vaultRequireReason: c.vault_require_reason,
    backupKey: c.backup_key, backupDir: c.backup_dir ? resolve(c.backup_dir) : undefined, backupHour: c.backup_hour, recallIndexMaxItems: c.recall_index_max_items,
  };
}
