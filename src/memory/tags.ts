/**
 * Deterministic tagging: normalized lowercase tags from a fixed vocabulary plus detected identifiers.
 *
 * Matching rules
 * - `aliases` are matched case-insensitively on word boundaries (a letter, digit or "_" may not touch
 *   either side); a trailing plural "s"/"es" is allowed for aliases of 3+ letters ending in a letter.
 * - Ambiguous English words are never plain aliases. They live in `patterns` that demand their
 *   technical casing and/or a technical neighbour: "Go" only as `golang`, `go.mod`, `go build ./...`,
 *   "in/with/using Go" or "Go code/service/module…"; "AD" only in capitals (never "ad"), and not as a
 *   year ("AD 1066"); "Rust", "React", "Windows" only capitalized; "Exchange" only capitalized and
 *   followed/preceded by a mail word. So "go to the store", "I'd add it" and "react quickly" tag nothing.
 * - `extensions` tag file names and paths: `src/app.ts` -> typescript.
 * - When one match lies strictly inside a longer one, only the longer counts ("Azure AD" -> entra-id,
 *   not azure + active-directory; "SQL Server" -> mssql, not sql). Extension matches always count.
 * - Detected identifiers: error codes (`ECONNREFUSED`, `ERR_MODULE_NOT_FOUND`, `TypeError`, `0x80070005`,
 *   `TS2345`) -> `error`; ticket ids (`INC0012345`, `T20240115.0042`, `TKT-123`, "ticket #4521") ->
 *   `ticket` plus the id itself (`inc0012345`, `#4521`); CVE ids -> `security` plus the id.
 *
 * Order: by number of matches, most first; ties by first occurrence in the text, then vocabulary order.
 * The result is capped at `max` (default 12).
 */
import { words } from './text.js';

export type TagCategory =
  | 'language' | 'framework' | 'database' | 'cloud' | 'os' | 'networking' | 'security' | 'msp' | 'tool' | 'signal';

export interface TagEntry {
  readonly tag: string;
  readonly category: TagCategory;
  /** Case-insensitive spellings matched on word boundaries. */
  readonly aliases: readonly string[];
  /** Extra matchers for ambiguous words and code forms, used as written (case-sensitive unless flagged `i`). */
  readonly patterns?: readonly RegExp[];
  /** File extensions (no dot) whose file names imply this tag. */
  readonly extensions?: readonly string[];
}

const CMDLET = /\b(?:Get|Set|New|Remove|Add|Invoke|Start|Stop|Import|Export|Test|Enable|Disable|Connect|Install|Update)-[A-Z][A-Za-z]+\b/;

export const TAG_VOCABULARY: readonly TagEntry[] = [
  // languages
  { tag: 'typescript', category: 'language', aliases: ['typescript', 'tsc', 'tsconfig', 'ts-node', 'tsx', 'tsserver'], extensions: ['ts', 'tsx', 'mts', 'cts'] },
  { tag: 'javascript', category: 'language', aliases: ['javascript', 'ecmascript', 'js', 'esm', 'commonjs'], extensions: ['js', 'mjs', 'cjs', 'jsx'] },
  { tag: 'python', category: 'language', aliases: ['python', 'python3', 'pip', 'pip3', 'pytest', 'venv', 'virtualenv', 'pyproject'], extensions: ['py', 'pyi', 'ipynb'] },
  {
    tag: 'go', category: 'language', aliases: ['golang', 'go.mod', 'go.sum', 'goroutine', 'gofmt'], extensions: ['go'],
    patterns: [
      /(?<![\p{L}\p{N}_])(?:in|with|using|into|from) Go\b(?![-'’])/u,
      /\b(?:port(?:ed|ing)?|rewr(?:ite|ote|itten|iting)|switch(?:ed|ing)?|migrat(?:e|ed|ing)|mov(?:e|ed|ing))(?: \w+)? to Go\b/,
      /\bGo (?:code|service|services|module|modules|package|packages|program|binary|app|backend|server|library|version|compiler|toolchain|developer|developers|routine|routines|1\.\d+)\b/,
      /(?:^|[`$>]\s*)go (?:build|run|test|get|vet|install|generate|work|fmt)\b/m,
      /\bgo (?:build|run|test|get|install|vet|generate)\s+(?:-|\.\/|\.\.\.|[\w./-]+\.go\b)/,
      /\bgo mod (?:tidy|init|download|vendor)\b/,
    ],
  },
  { tag: 'rust', category: 'language', aliases: ['rustc', 'rustup', 'cargo.toml', 'crates.io', 'clippy'], extensions: ['rs'], patterns: [/\bRust\b/, /\bcargo (?:build|run|test|add|install|clippy|fmt)\b/] },
  { tag: 'csharp', category: 'language', aliases: ['c#', 'csharp', 'c sharp'], extensions: ['cs', 'csx'] },
  { tag: 'powershell', category: 'language', aliases: ['powershell', 'pwsh', 'cmdlet'], extensions: ['ps1', 'psm1', 'psd1'], patterns: [CMDLET] },
  { tag: 'bash', category: 'language', aliases: ['bash', 'shell script', 'zsh', '#!/bin/sh', '#!/bin/bash', 'bashrc'], extensions: ['sh', 'bash'] },
  { tag: 'java', category: 'language', aliases: ['java', 'jvm', 'maven', 'gradle', 'jdk'], extensions: ['java', 'jar'] },
  { tag: 'php', category: 'language', aliases: ['php', 'composer.json', 'laravel', 'wordpress'], extensions: ['php'] },
  { tag: 'cpp', category: 'language', aliases: ['c++', 'cpp', 'cmake'], extensions: ['cpp', 'cc', 'hpp'] },
  { tag: 'sql', category: 'language', aliases: ['sql', 'sql query', 'stored procedure'], extensions: ['sql'] },
  // frameworks and runtimes
  { tag: 'react', category: 'framework', aliases: ['reactjs', 'react.js', 'react-dom', 'react native', 'jsx', 'usestate', 'useeffect'], patterns: [/\bReact\b/] },
  { tag: 'vue', category: 'framework', aliases: ['vue', 'vue.js', 'vuejs', 'nuxt'], extensions: ['vue'] },
  { tag: 'angular', category: 'framework', aliases: ['angularjs'], patterns: [/\bAngular\b/] },
  { tag: 'nextjs', category: 'framework', aliases: ['next.js', 'nextjs'] },
  { tag: 'nodejs', category: 'framework', aliases: ['node.js', 'nodejs', 'npm', 'npx', 'pnpm', 'package.json'], patterns: [/\bNode(?: ?\d+| LTS)\b/, /\bnode (?:--|-e\b|\.\/|[\w./-]+\.m?js\b)/] },
  { tag: 'fastify', category: 'framework', aliases: ['fastify'] },
  { tag: 'express', category: 'framework', aliases: ['express.js', 'expressjs'], patterns: [/\bExpress (?:app|server|middleware|router|route|routes)\b/] },
  { tag: 'django', category: 'framework', aliases: ['django'] },
  { tag: 'flask', category: 'framework', aliases: [], patterns: [/\bFlask\b/] },
  { tag: 'fastapi', category: 'framework', aliases: ['fastapi', 'uvicorn'] },
  { tag: 'dotnet', category: 'framework', aliases: ['.net', 'dotnet', 'asp.net', 'nuget', 'entity framework', 'ef core', 'blazor'], extensions: ['csproj', 'sln'] },
  { tag: 'spring', category: 'framework', aliases: ['spring boot', 'springboot'] },
  // databases
  { tag: 'postgresql', category: 'database', aliases: ['postgresql', 'postgres', 'psql', 'pg_dump', 'pg_restore', 'pgsql', 'pgbouncer', 'pgadmin'] },
  { tag: 'mysql', category: 'database', aliases: ['mysql', 'mysqldump', 'mysql2'] },
  { tag: 'mariadb', category: 'database', aliases: ['mariadb', 'mariadb-dump', 'galera'] },
  { tag: 'sqlite', category: 'database', aliases: ['sqlite', 'sqlite3', 'better-sqlite3'], extensions: ['sqlite', 'sqlite3'] },
  { tag: 'redis', category: 'database', aliases: ['redis', 'redis-cli', 'valkey'] },
  { tag: 'mongodb', category: 'database', aliases: ['mongodb', 'mongo', 'mongoose', 'mongosh'] },
  { tag: 'mssql', category: 'database', aliases: ['mssql', 'sql server', 'sqlserver', 't-sql', 'tsql', 'ssms'] },
  // clouds
  { tag: 'aws', category: 'cloud', aliases: ['aws', 'amazon web services', 'ec2', 's3 bucket', 'cloudformation', 'route 53', 'route53'] },
  { tag: 'azure', category: 'cloud', aliases: ['azure', 'az cli', 'arm template'] },
  { tag: 'gcp', category: 'cloud', aliases: ['gcp', 'google cloud', 'gcloud', 'bigquery', 'gke', 'cloud run'] },
  { tag: 'm365', category: 'cloud', aliases: ['m365', 'microsoft 365', 'office 365', 'office365', 'o365'] },
  { tag: 'entra-id', category: 'cloud', aliases: ['entra', 'entra id', 'azure ad', 'aad', 'azure active directory', 'conditional access'] },
  // operating systems
  { tag: 'windows', category: 'os', aliases: ['windows 10', 'windows 11', 'windows server', 'win10', 'win11', 'iis', 'regedit'], patterns: [/\bWindows\b/] },
  { tag: 'linux', category: 'os', aliases: ['linux', 'systemd', 'systemctl', 'journalctl', 'apt-get', 'apt install', 'rhel', 'centos'] },
  { tag: 'macos', category: 'os', aliases: ['macos', 'mac os', 'osx', 'os x', 'macbook', 'homebrew', 'brew install'] },
  { tag: 'debian', category: 'os', aliases: ['debian', 'dpkg'] },
  { tag: 'ubuntu', category: 'os', aliases: ['ubuntu'] },
  // networking
  { tag: 'dns', category: 'networking', aliases: ['dns', 'nslookup', 'cname', 'mx record', 'a-record', 'txt record', 'spf record', 'dkim', 'dmarc'] },
  { tag: 'dhcp', category: 'networking', aliases: ['dhcp', 'ip lease', 'dhcp scope'] },
  { tag: 'vpn', category: 'networking', aliases: ['vpn', 'wireguard', 'openvpn', 'ipsec', 'anyconnect', 'globalprotect', 'site-to-site'] },
  { tag: 'vlan', category: 'networking', aliases: ['vlan', 'trunk port', '802.1q'] },
  { tag: 'firewall', category: 'networking', aliases: ['firewall', 'fortigate', 'fortinet', 'pfsense', 'sonicwall', 'ufw', 'iptables', 'nftables', 'port forward', 'port forwarding'] },
  { tag: 'tls', category: 'networking', aliases: ['tls', 'ssl', 'ssl certificate', 'tls certificate', 'letsencrypt', "let's encrypt", 'openssl', 'certbot', 'https certificate'] },
  { tag: 'wifi', category: 'networking', aliases: ['wifi', 'wi-fi', 'wlan', 'wireless', 'ssid', 'access point', 'wpa2', 'wpa3'] },
  { tag: 'ssh', category: 'networking', aliases: ['ssh', 'sshd', 'openssh', 'ssh key', 'authorized_keys'] },
  // security
  { tag: 'mfa', category: 'security', aliases: ['mfa', '2fa', 'two-factor', 'two factor', 'multi-factor', 'multifactor', 'authenticator app', 'totp'] },
  { tag: 'backup', category: 'security', aliases: ['backup', 'backups', 'back up', 'veeam', 'restore point', 'datto backup'] },
  { tag: 'antivirus', category: 'security', aliases: ['antivirus', 'anti-virus', 'malware', 'windows defender', 'microsoft defender', 'virus scan'] },
  { tag: 'edr', category: 'security', aliases: ['edr', 'xdr', 'crowdstrike', 'sentinelone', 'defender for endpoint'] },
  { tag: 'phishing', category: 'security', aliases: ['phishing', 'phish', 'spear-phishing', 'suspicious email'] },
  { tag: 'security', category: 'security', aliases: ['vulnerability', 'vulnerabilities', 'ransomware', 'exploit', 'security breach', 'cve'] },
  { tag: 'password', category: 'security', aliases: ['password', 'passwords', 'password reset', 'locked out', 'lockout', 'passphrase'] },
  // MSP work
  { tag: 'ticket', category: 'msp', aliases: ['ticket', 'helpdesk', 'help desk', 'service request'] },
  { tag: 'onboarding', category: 'msp', aliases: ['onboarding', 'onboard', 'new hire', 'new starter'] },
  { tag: 'offboarding', category: 'msp', aliases: ['offboarding', 'offboard', 'leaver', 'departing employee'] },
  { tag: 'patching', category: 'msp', aliases: ['patching', 'patch tuesday', 'windows update', 'windows updates', 'wsus', 'security updates'] },
  { tag: 'printer', category: 'msp', aliases: ['printer', 'print queue', 'print spooler', 'spooler', 'toner', 'printing', 'print server'] },
  {
    tag: 'exchange', category: 'msp', aliases: ['exchange online', 'exchange server', 'owa', 'activesync', 'shared mailbox', 'distribution list'],
    patterns: [/\bExchange (?:[Oo]nline|[Ss]erver|mailbox(?:es)?|admin|hybrid|on-prem|20\d\d|connector|transport|rules?)\b/, /\b(?:on-prem(?:ises)?|hosted|hybrid|migrated?|from|to|in) Exchange\b/],
  },
  { tag: 'sharepoint', category: 'msp', aliases: ['sharepoint', 'onedrive', 'document library'] },
  { tag: 'intune', category: 'msp', aliases: ['intune', 'endpoint manager', 'windows autopilot', 'mdm', 'compliance policy'] },
  {
    tag: 'active-directory', category: 'msp', aliases: ['active directory', 'activedirectory', 'domain controller', 'group policy', 'gpo', 'ldap', 'ad ds', 'ad connect', 'adsync'],
    patterns: [/(?<!\d\s?)\bAD\b(?!\s?\d)/, /\b(?:Get|Set|New|Remove|Add|Enable|Disable|Unlock|Search)-AD[A-Z]\w*/],
  },
  { tag: 'email', category: 'msp', aliases: ['email', 'e-mail', 'mailbox', 'smtp', 'imap', 'pop3'], patterns: [/\bOutlook\b/] },
  { tag: 'rmm', category: 'msp', aliases: ['rmm', 'ninjaone', 'ninjarmm', 'datto rmm', 'connectwise', 'n-able', 'kaseya'] },
  { tag: 'rdp', category: 'msp', aliases: ['rdp', 'remote desktop', 'mstsc'] },
  { tag: 'licensing', category: 'msp', aliases: ['license', 'licence', 'licensing', 'licenses', 'licences'] },
  // tools
  { tag: 'docker', category: 'tool', aliases: ['docker', 'dockerfile', 'docker-compose', 'docker compose', 'podman', 'container image'] },
  { tag: 'kubernetes', category: 'tool', aliases: ['kubernetes', 'k8s', 'kubectl', 'helm chart', 'k3s', 'aks', 'eks'] },
  { tag: 'git', category: 'tool', aliases: ['git', 'github', 'gitlab', 'pull request', 'merge request', 'git commit', 'rebase'] },
  { tag: 'terraform', category: 'tool', aliases: ['terraform', 'opentofu'], extensions: ['tf'] },
  { tag: 'nginx', category: 'tool', aliases: ['nginx', 'reverse proxy', 'haproxy'] },
  { tag: 'testing', category: 'tool', aliases: ['unit test', 'unit tests', 'vitest', 'jest.config', 'test suite', 'integration test', 'e2e test'], patterns: [/\bJest\b/] },
  // signals
  { tag: 'error', category: 'signal', aliases: ['error', 'errors', 'exception', 'stack trace', 'traceback', 'crashed', 'crashing', 'segfault'] },
];

/** Identifier detectors: each match yields `tags` plus, when `id` is given, the normalized identifier itself. */
interface Detector { readonly pattern: RegExp; readonly tags: readonly string[]; readonly id?: (m: RegExpExecArray) => string }

const lower = (m: RegExpExecArray) => m[0].toLowerCase();
const DETECTORS: readonly Detector[] = [
  {
    pattern: /\bE(?:CONNREFUSED|CONNRESET|CONNABORTED|ADDRINUSE|ADDRNOTAVAIL|NOENT|ACCES|PERM|TIMEDOUT|PIPE|EXIST|NOTFOUND|ISDIR|NOTDIR|MFILE|NOTEMPTY|HOSTUNREACH|NETUNREACH|AI_AGAIN|INVAL|BUSY|NOSPC|NOMEM|PROTO|CANCELED)\b/,
    tags: ['error'], id: lower,
  },
  { pattern: /\bERR_[A-Z][A-Z0-9_]+\b/, tags: ['error'], id: lower },
  { pattern: /\b0x8[0-9A-Fa-f]{7}\b/, tags: ['error'], id: lower },
  { pattern: /\bTS\d{4}\b/, tags: ['error'], id: lower },
  { pattern: /\b[A-Z][A-Za-z]+(?:Error|Exception)\b/, tags: ['error'] },
  { pattern: /\bexit (?:code|status) [1-9]\d*\b/i, tags: ['error'] },
  { pattern: /\b(?:HTTP|status(?: code)?) [45]\d\d\b/i, tags: ['error'] },
  { pattern: /\b(?:INC|REQ|RITM|CHG|PRB|SCTASK)\d{5,}\b/, tags: ['ticket'], id: lower },
  { pattern: /\bT\d{8}\.\d{4}\b/, tags: ['ticket'], id: lower },
  { pattern: /\b(?:TKT|TICKET|SR|HD|SD|CASE)-\d{2,}\b/i, tags: ['ticket'], id: lower },
  { pattern: /\b(?:ticket|incident)\s*(?:#|no\.?\s*|number\s*|id\s*)?:?\s*#?(\d{3,})\b/i, tags: ['ticket'], id: (m) => `#${m[1]}` },
  { pattern: /\bcase\s*(?:#|no\.?\s*|number\s*)(\d{3,})\b/i, tags: ['ticket'], id: (m) => `#${m[1]}` },
  { pattern: /\bCVE-\d{4}-\d{4,}\b/i, tags: ['security'], id: lower },
];

interface Compiled {
  aliasRe: RegExp | null;
  aliasTags: Map<string, string[]>;
  patterns: Array<{ re: RegExp; tag: string }>;
  extRe: RegExp | null;
  extTags: Map<string, string[]>;
  order: Map<string, number>;
}

interface Hit { start: number; end: number; tags: readonly string[] }

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NOT_WORD_BEFORE = '(?<![\\p{L}\\p{N}_])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}_])';
const cache = new WeakMap<readonly TagEntry[], Compiled>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function compile(vocabulary: readonly TagEntry[]): Compiled {
  const hit = cache.get(vocabulary);
  if (hit) return hit;
  const aliasTags = new Map<string, string[]>();
  const extTags = new Map<string, string[]>();
  const patterns: Compiled['patterns'] = [];
  const order = new Map<string, number>();
  for (const [i, entry] of vocabulary.entries()) {
    if (!order.has(entry.tag)) order.set(entry.tag, i);
    for (const alias of entry.aliases) push(aliasTags, alias.toLowerCase().replace(/\s+/g, ' '), entry.tag);
    for (const ext of entry.extensions ?? []) push(extTags, ext, entry.tag);
    for (const p of entry.patterns ?? []) patterns.push({ re: new RegExp(p.source, p.flags.includes('g') ? p.flags : p.flags + 'g'), tag: entry.tag });
  }
  const aliases = [...aliasTags.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const alt = aliases.map((a) => escape(a).replace(/ /g, '\\s+') + (/[a-z]{3}$/.test(a) ? '(?:e?s)?' : '')).join('|');
  const exts = [...extTags.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const compiled: Compiled = {
    aliasRe: alt ? new RegExp(`${NOT_WORD_BEFORE}(?:${alt})${NOT_WORD_AFTER}`, 'giu') : null,
    aliasTags,
    patterns,
    extRe: exts.length ? new RegExp(`(?<=[\\p{L}\\p{N}_*-]|\\s|^)\\.(?:${exts.map(escape).join('|')})${NOT_WORD_AFTER}`, 'gu') : null,
    extTags,
    order,
  };
  cache.set(vocabulary, compiled);
  return compiled;
}

/** The detectors as global regexes, compiled once (collect resets `lastIndex` before each use). */
const GLOBAL_DETECTORS = DETECTORS.map((d) => [d, new RegExp(d.pattern.source, d.pattern.flags + 'g')] as const);

function aliasLookup(c: Compiled, matched: string): string[] {
  const key = matched.toLowerCase().replace(/\s+/g, ' ');
  return c.aliasTags.get(key) ?? c.aliasTags.get(key.slice(0, -2)) ?? c.aliasTags.get(key.slice(0, -1)) ?? [];
}

/**
 * Every match of the global `re` in `text` as a hit, from the start. A plain loop rather than a generator:
 * extractTags runs some forty regexes per text, and a generator object per regex was a third of its time.
 */
function collect(re: RegExp, text: string, into: Hit[], tagsOf: (m: RegExpExecArray) => readonly string[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') re.lastIndex++;
    into.push({ start: m.index, end: m.index + m[0].length, tags: tagsOf(m) });
  }
}

/**
 * Normalized lowercase tags of `text` (see the module comment for the matching rules and order).
 * `vocabulary` replaces the built-in table, e.g. `[...TAG_VOCABULARY, { tag: 'acme', ... }]`.
 */
export function extractTags(text: string, opts: { max?: number; vocabulary?: readonly TagEntry[] } = {}): string[] {
  const max = opts.max ?? 12;
  if (!text || max <= 0) return [];
  const c = compile(opts.vocabulary ?? TAG_VOCABULARY);
  const hits: Hit[] = [];
  if (c.aliasRe) collect(c.aliasRe, text, hits, (m) => aliasLookup(c, m[0]));
  for (const { re, tag } of c.patterns) collect(re, text, hits, () => [tag]);
  for (const [d, re] of GLOBAL_DETECTORS) collect(re, text, hits, (m) => (d.id ? [...d.tags, d.id(m)] : d.tags));
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Hit[] = [];
  let widest: Hit | null = null;
  for (const h of hits) {
    if (widest && widest.start <= h.start && h.end <= widest.end && widest.end - widest.start > h.end - h.start) continue;
    kept.push(h);
    if (!widest || h.end > widest.end) widest = h;
  }
  if (c.extRe) collect(c.extRe, text, kept, (m) => c.extTags.get(m[0].slice(1)) ?? []);

  // Count non-overlapping occurrences per tag; remember where each tag first appears.
  const stats = new Map<string, { count: number; first: number; lastEnd: number; rank: number }>();
  kept.sort((a, b) => a.start - b.start || b.end - a.end);
  for (const h of kept) {
    for (const tag of h.tags) {
      const s = stats.get(tag);
      if (!s) stats.set(tag, { count: 1, first: h.start, lastEnd: h.end, rank: c.order.get(tag) ?? Number.MAX_SAFE_INTEGER });
      else if (h.start >= s.lastEnd) { s.count++; s.lastEnd = h.end; }
      else s.lastEnd = Math.max(s.lastEnd, h.end);
    }
  }
  return [...stats.entries()]
    .sort(([a, x], [b, y]) => y.count - x.count || x.first - y.first || x.rank - y.rank || (a < b ? -1 : 1))
    .slice(0, max)
    .map(([tag]) => tag);
}

/**
 * Words that name a whole category of tags: a question about "the database" is about whichever one the
 * memories name (postgresql, mysql, ...), though none of them says "database". Single words only; plural
 * forms listed. Categories too broad to help ("tool", "signal", "msp") have no words.
 */
const CATEGORY_WORDS: ReadonlyMap<string, TagCategory> = new Map([
  ['database', 'database'], ['databases', 'database'], ['db', 'database'], ['dbs', 'database'], ['dbms', 'database'],
  ['cloud', 'cloud'], ['clouds', 'cloud'],
  ['language', 'language'], ['languages', 'language'],
  ['framework', 'framework'], ['frameworks', 'framework'],
  ['os', 'os'],
  ['network', 'networking'], ['networks', 'networking'], ['networking', 'networking'],
  ['security', 'security'],
] as [string, TagCategory][]);

const CATEGORY_OF_TAG: ReadonlyMap<string, TagCategory> = new Map(TAG_VOCABULARY.map((e) => [e.tag, e.category]));

/** The tag categories `text` names by a category word ("which database did we pick" -> database). */
export function categoriesIn(text: string): TagCategory[] {
  const found = new Set<TagCategory>();
  for (const word of words(text)) {
    const category = CATEGORY_WORDS.get(word);
    if (category) found.add(category);
  }
  return [...found];
}

/** The vocabulary's tags in `category`, in vocabulary order. */
export function tagsInCategory(category: TagCategory): string[] {
  return [...new Set(TAG_VOCABULARY.filter((e) => e.category === category).map((e) => e.tag))];
}

/** The category of a vocabulary tag; undefined for detected ids and user tags. */
export function categoryOfTag(tag: string): TagCategory | undefined {
  return CATEGORY_OF_TAG.get(tag);
}
