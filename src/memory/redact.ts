/**
 * Secret redaction: runs on every memory write path before anything is stored or spooled.
 *
 * `redactSecrets` first drops `<private>…</private>` blocks, then replaces each secret it recognises with a
 * typed placeholder such as `[REDACTED:github_token]`, keeping the surrounding text: the key of an
 * assignment (`password=[REDACTED:password]`), the scheme, user and host of a URL
 * (`postgres://app:[REDACTED:password]@db:5432/x`), the name of a header or flag.
 *
 * The passes, in order (each one a single scan with precompiled regexes; earlier passes are more specific,
 * so their typed placeholders win and later passes skip values that are already a placeholder):
 *   1. PEM private key blocks (RSA, EC, DSA, OPENSSH, PGP, ENCRYPTED…), whole block.
 *   2. Tokens with a recognisable shape, as one alternation: cloud and SaaS keys (AWS, GitHub, GitLab,
 *      Slack, Stripe, OpenAI, Anthropic, Google, Twilio, SendGrid, npm, PyPI, Heroku, DigitalOcean,
 *      Hugging Face, Shopify, Mailgun, Discord), JWTs, ClaudeTools API keys, Azure AccountKey= and SAS sig=.
 *   3. Passwords in URLs: scheme://user:pass@host.
 *   4. HTTP auth: `Authorization: Bearer|Basic|… <credential>`, a bare `Bearer <token>`, Cookie headers.
 *   5. Connection strings: `;Password=…;`, `;Pwd=…;`.
 *   6. Command lines: `--password foo`, `mysql -p'foo'`, `sshpass -p`, `redis-cli -a`, `curl -u user:pass`,
 *      `openssl -passin pass:…`, `.netrc` lines.
 *   7. Assignments whose key names a secret (password, passwd, passphrase, secret, token, api_key,
 *      access_key, private_key, client_secret, cookie…) in env files, YAML, JSON, INI, code and URL queries,
 *      and XML elements named so (`<password>…</password>`).
 *   8. Standalone high-entropy strings (≥ 32 chars, mixed upper/lower/digits, high Shannon entropy, random-
 *      looking character class changes).
 *
 * False positives are a defect too: memories about code must stay useful. So this deliberately leaves alone
 * hex digests (git hashes, sha256sum, Cargo/poetry checksums), SRI hashes (`sha512-…`, `h1:…`), UUIDs,
 * paths, URLs without credentials, prose that merely mentions a password, and assignment values that are
 * references or placeholders rather than secrets: `${{ secrets.DB }}`, `$DB_PASSWORD`, `<your-password>`,
 * `process.env.X`, function calls, type names, masked values (`****`), and well-known "replace me" defaults
 * such as `changeme`, `example`, `password` (they protect nothing, are public, and the memory "the default
 * password is changeme" is worth keeping). Only quoted values, env-file style `KEY=value` lines and values
 * with mixed character classes are taken as secrets from a bare assignment; a lone lowercase word after
 * `password:` is indistinguishable from prose ("Password: reset it in the portal") and is kept.
 *
 * Guarantees: pure (no I/O, no imports; the only state is a bounded memo of normalized key names),
 * idempotent (redacting twice equals redacting once), placeholders never match any pattern, and every regex
 * is linear-time or bounded, with the few searches that could rescan (unclosed quotes, PEM blocks without
 * an END line) memoized, so adversarial megabyte inputs finish in well under a second.
 *
 * Known limitations (heuristics, not a parser):
 *   - A secret that is a single letters-only or digits-only word after `key:`/`key = ` outside an env-file
 *     line (`password: hunter`) is kept; quoted it is redacted.
 *   - Keys that do not end in a secret word are not recognised (`password_confirmation`, `pwd` outside a
 *     connection string); neither are secrets introduced only by prose ("the password is hunter2").
 *   - Standalone strings are only caught by shape or by looking random: ≥ 32 base64url characters with no
 *     `+`/`/` next to them. Random-looking public ids of that length (some base58 addresses, long nanoids)
 *     are redacted too; random strings with `+`/`/` outside an assignment are not (AWS secret keys are
 *     caught as assignment values).
 *   - Twilio SIDs (AC…/SK…) are treated as secrets although an account SID is only an identifier.
 */

// ---------------------------------------------------------------------------------------------------------
// Placeholders and value heuristics
// ---------------------------------------------------------------------------------------------------------

/** The marker that replaces a secret. Only lowercase letters, digits and `_` in the type, so it is never a secret. */
const mark = (type: string): string => `[REDACTED:${type}]`;

/** Values that are references, templates, masks or "replace me" defaults rather than a secret. */
const PLACEHOLDER_WORDS = new Set([
  'changeme', 'changeit', 'changethis', 'changemenow', 'replaceme', 'password', 'passwd', 'pass', 'passphrase',
  'secret', 'secrets', 'token', 'apikey', 'key', 'example', 'sample', 'dummy', 'fake', 'placeholder',
  'redacted', 'hidden', 'masked', 'removed', 'omitted', 'none', 'null', 'nil', 'undefined', 'empty', 'notset',
  'unset', 'true', 'false', 'yes', 'required', 'optional', 'string', 'str', 'text', 'number', 'int',
  'integer', 'bool', 'boolean', 'any', 'unknown', 'todo', 'tbd', 'fixme', 'foobar', 'test', 'testing',
  'default', 'value', 'secretvalue', 'mypassword', 'yourpassword', 'yourtoken', 'yoursecret', 'yourapikey',
  'bearer', 'basic',
]);

/** Starts like a reference or template: $VAR ${VAR} $(cmd) ${{ }} %VAR% <x> {{ }} [x] (x) !tag *alias &anchor #comment. */
const PLACEHOLDER_START = /^[$%<{[(!*&#]/;
/** Contains a template, a mask, an elision or a redaction marker anywhere. */
const PLACEHOLDER_ANYWHERE = /\$\{|\{\{|\*\*\*|•••|\.\.\.|…|x{4,}|redacted|<[a-z][a-z0-9 _-]*>/i;
const PLACEHOLDER_PREFIX = /^(?:your|insert|enter|replace|put|paste|add)(?:[-_ ]|$)|^(?:example|sample|dummy|fake|placeholder|test)[-_]/i;
const PLACEHOLDER_SUFFIX = /[-_ ](?:here|placeholder|example)$/i;
/** An env var name used as a reference: DB_PASSWORD. */
const ENV_NAME = /^[A-Z]+(?:_[A-Z]+)+$/;
/** SQL bind parameters and symbols: @password, :password. */
const BIND_PARAM = /^[@:][A-Za-z_]\w*$/;
/** Looks like a file path: /run/secrets/db, ~/.ssh/id_rsa, ./key.pem, C:\keys\a.pfx. */
const PATH_LIKE = /^(?:~|\.{1,2})?\/[\w.@+-]+(?:\/[\w.@+-]*)*$|^[A-Za-z]:\\[\w\\. -]+$/;

/** `minLength`: shorter values are not worth redacting (a bare assignment), or are (under a secret-named JSON key). */
function isPlaceholderValue(raw: string, minLength = 4): boolean {
  const v = raw.trim();
  if (v.length < minLength) return true;
  if (PLACEHOLDER_START.test(v) || PLACEHOLDER_ANYWHERE.test(v)) return true;
  if (BIND_PARAM.test(v) || ENV_NAME.test(v)) return true;
  // A base64 secret can start with `/` (AWS secret keys do, 1 in 64): a path is only a path if it is not random.
  if (PATH_LIKE.test(v) && !looksRandom(v.replace(/[/+.]/g, ''))) return true;
  if (PLACEHOLDER_PREFIX.test(v) || PLACEHOLDER_SUFFIX.test(v)) return true;
  if (v.length > 1 && /^(.)\1+$/.test(v)) return true;
  return PLACEHOLDER_WORDS.has(v.toLowerCase().replace(/[-_. ]/g, ''));
}

/** Code rather than data: a call, an index, a generic, or a member chain such as process.env.DB_PASSWORD. */
const CODE_PUNCT = /[()[\]{}<>]/;
const MEMBER_CHAIN = /^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)+[!?]*$/;
const CONFIG_ROOT = /^(?:process\.env|os\.environ|env|ENV|config|conf|cfg|settings|secrets|vars|inputs|self|this|ctx|context|req|request|options|opts|params|args|props|import\.meta\.env)\./;

function isCodeLike(v: string): boolean {
  if (CODE_PUNCT.test(v)) return true;
  return MEMBER_CHAIN.test(v) && (!/\d/.test(v) || CONFIG_ROOT.test(v));
}

/** One dictionary-ish word or a bare number: a variable name, a type, prose, a port. Not proof of a secret. */
const LOW_CONFIDENCE = /^(?:[A-Za-z]+(?:[_-][A-Za-z]+)*|\d+)$/;

const hasMixedClasses = (v: string): boolean => /[A-Za-z]/.test(v) && /[^A-Za-z]/.test(v);

interface ValueContext {
  /** The value was written in quotes, so it is a literal. */
  quoted: boolean;
  /** `KEY=value` with no spaces, in an env-file style line: the value is data whatever it looks like. */
  envStyle: boolean;
  /** More words follow on the same line (`password: reset it in the portal`). */
  followedByWords: boolean;
}

/** Whether the value of a secret-named key really is a secret rather than code, prose or a placeholder. */
function isSecretValue(v: string, ctx: ValueContext): boolean {
  if (isPlaceholderValue(v)) return false;
  if (ctx.quoted || ctx.envStyle) return true;
  if (isCodeLike(v) || LOW_CONFIDENCE.test(v)) return false;
  if (ctx.followedByWords && (v.length < 8 || !hasMixedClasses(v))) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Secret-named keys
// ---------------------------------------------------------------------------------------------------------

/** Keys repeat (a config file, a log): normalizing is the hot spot of the assignment pass, so it is memoized. */
const normalizedKeys = new Map<string, string>();

/** `dbPassword`, `DB-PASSWORD`, `spring.datasource.password` → `db_password`, `db_password`, `password`. */
function normalizeKey(raw: string): string {
  let k = normalizedKeys.get(raw);
  if (k !== undefined) return k;
  const segments = raw.split(/[.:/]/);
  const last = segments[segments.length - 1] || raw;
  k = last
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  if (normalizedKeys.size >= 1024) normalizedKeys.clear();
  normalizedKeys.set(raw, k);
  return k;
}

/**
 * A normalized key that names a secret. The secret word must END the key: `password_hash`, `token_count`,
 * `max_tokens`, `secret_name`, `private_key_id`, `POSTGRES_PASSWORD_FILE` are not secrets. `pwd` is left
 * out on purpose (`PWD=/home/bob` is the working directory); connection strings handle `Pwd=`.
 */
const SECRET_KEY_NAME = new RegExp(
  '(?:password|passwd|passphrase|(?:^|_)pass|secret|secret_?key_?base' +
    '|(?:api|access|private|secret|signing|encryption|master|account|app|license|shared|consumer|subscription|sas)_?key' +
    '|(?:^|_|auth|access|refresh|session|bearer|api|bot|oauth|csrf|xsrf)token|cookie|authorization)$',
);

function isSecretKeyName(rawKey: string): boolean {
  if (rawKey === '_auth') return true; // .npmrc
  return SECRET_KEY_NAME.test(normalizeKey(rawKey));
}

/** The placeholder type for a secret-named key. */
function typeForKey(rawKey: string): string {
  const k = normalizeKey(rawKey);
  if ((k.includes('aws') && k.includes('secret')) || k.endsWith('secret_access_key')) return 'aws_secret_key';
  if (/(?:password|passwd|passphrase|(?:^|_)pass)$/.test(k)) return 'password';
  if (k.endsWith('private_key')) return 'private_key';
  if (k.endsWith('cookie')) return 'cookie';
  if (k.endsWith('authorization')) return 'authorization';
  if (k.endsWith('token') || rawKey === '_auth') return 'token';
  if (/api_?key$/.test(k)) return 'api_key';
  if (k.endsWith('key') || k.endsWith('key_base')) return 'secret_key';
  return 'secret';
}

// ---------------------------------------------------------------------------------------------------------
// Pass 0: <private> blocks
// ---------------------------------------------------------------------------------------------------------

const PRIVATE_TAG = /<(\/?)private(?:\s[^<>]{0,256})?>/gi;

/** Drops <private>…</private> (nested, any case, across lines); an unclosed block runs to the end of the text. */
function stripPrivate(text: string): string {
  if (!/<\/?private/i.test(text)) return text;
  let out = '';
  let depth = 0;
  let last = 0;
  for (const m of text.matchAll(PRIVATE_TAG)) {
    if (depth === 0) out += text.slice(last, m.index);
    if (m[1]) depth = Math.max(0, depth - 1);
    else depth++;
    last = m.index! + m[0].length;
  }
  return depth === 0 ? out + text.slice(last) : out;
}

// ---------------------------------------------------------------------------------------------------------
// Pass 1: PEM private keys
// ---------------------------------------------------------------------------------------------------------

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
/** When the END line is missing: armor headers, base64 lines and (real or JSON-escaped) line breaks. */
const PEM_BODY = /(?:(?:Proc-Type|DEK-Info|Comment|Version|Hash|Charset):[^\r\n\\]*|[A-Za-z0-9+/=]+|[ \t]*(?:\\r)?(?:\\n|\r?\n)[ \t]*)*/y;
/** A real key is a few KB (PGP blocks a little more); an END further away than this belongs to something else. */
const PEM_MAX = 64 * 1024;

function redactPem(text: string): string {
  if (!text.includes('PRIVATE KEY')) return text;
  let out = '';
  let last = 0;
  let nextEnd = -2; // -2: not searched yet; -1: no END at or after the last search position
  let nextEndStop = 0;
  PEM_BEGIN.lastIndex = 0;
  for (let m: RegExpExecArray | null; (m = PEM_BEGIN.exec(text)); ) {
    const bodyStart = m.index + m[0].length;
    if (nextEnd !== -1 && nextEnd < bodyStart) {
      PEM_END.lastIndex = bodyStart;
      const e = PEM_END.exec(text);
      nextEnd = e ? e.index : -1;
      nextEndStop = e ? e.index + e[0].length : 0;
    }
    let stop: number;
    if (nextEnd >= 0 && nextEnd - bodyStart <= PEM_MAX) stop = nextEndStop;
    else {
      PEM_BODY.lastIndex = bodyStart;
      PEM_BODY.exec(text);
      stop = PEM_BODY.lastIndex;
    }
    out += text.slice(last, m.index) + mark('private_key');
    last = stop;
    PEM_BEGIN.lastIndex = stop;
  }
  return last === 0 ? text : out + text.slice(last);
}

// ---------------------------------------------------------------------------------------------------------
// Pass 2: tokens with a recognisable shape (one alternation, one scan)
// ---------------------------------------------------------------------------------------------------------

/** Not glued to a preceding identifier character, so `task-…` or `fooghp_…` do not start a token. */
const L = '(?<![A-Za-z0-9_])';
const LD = '(?<![A-Za-z0-9_-])';
/** Not followed by more token characters (the bodies are greedy, so this only fails past the length cap). */
const R = '(?![A-Za-z0-9_])';
const RD = '(?![A-Za-z0-9_-])';

interface TokenShape {
  type: string;
  /** Regex source; `(?<keep>…)` marks a prefix kept verbatim (the URL of a webhook, `AccountKey=`). */
  source: string;
  /** Extra check on the whole match, for shapes loose enough to hit ordinary words. */
  validate?: (m: string) => boolean;
}

const mixedCase = (s: string) => /[a-z]/.test(s) && /[A-Z]/.test(s);
const mixedAll = (s: string) => mixedCase(s) && /\d/.test(s);

const TOKEN_SHAPES: TokenShape[] = [
  // AWS access key ids (long-term AKIA, temporary ASIA, and the rarer ABIA/ACCA).
  { type: 'aws_access_key', source: `${L}(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}${R}` },
  { type: 'github_token', source: `${L}(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251})${R}` },
  { type: 'gitlab_token', source: `${L}gl(?:pat|dt|rt|ptt|cbt|soat)-[A-Za-z0-9_-]{20,200}${RD}` },
  { type: 'slack_token', source: `${L}(?:xox[abeprs]-[A-Za-z0-9-]{10,250}|xapp-\\d-[A-Za-z0-9-]{10,250})${RD}` },
  { type: 'slack_webhook', source: `(?<keep>https?://hooks\\.slack\\.com/(?:services|workflows|triggers)/)[A-Za-z0-9_/+-]{10,300}` },
  { type: 'discord_webhook', source: `(?<keep>https?://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/\\d{5,30}/)[A-Za-z0-9_-]{20,200}` },
  { type: 'stripe_key', source: `${L}(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}${R}` },
  { type: 'stripe_webhook_secret', source: `${L}whsec_[A-Za-z0-9+/]{24,100}${R}` },
  // Anthropic before OpenAI: both start with sk-.
  { type: 'anthropic_api_key', source: `${LD}sk-ant-[A-Za-z0-9_-]{20,300}${RD}` },
  { type: 'openai_api_key', source: `${LD}sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,300}${RD}`, validate: (m) => mixedAll(m.slice(3)) },
  { type: 'google_api_key', source: `${L}AIza[0-9A-Za-z_-]{35}${RD}` },
  { type: 'google_oauth_secret', source: `${L}GOCSPX-[A-Za-z0-9_-]{28}${RD}` },
  { type: 'google_oauth_token', source: `${L}ya29\\.[0-9A-Za-z_-]{20,2000}${RD}` },
  // Twilio account SIDs (AC…) and API key SIDs (SK…); their auth tokens are caught as -u user:pass or assignments.
  { type: 'twilio_sid', source: `${L}(?:AC|SK)[0-9a-f]{32}${R}` },
  { type: 'sendgrid_api_key', source: `${L}SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}${RD}` },
  { type: 'npm_token', source: `${L}npm_[A-Za-z0-9]{36}${R}` },
  { type: 'pypi_token', source: `${LD}pypi-AgE[A-Za-z0-9_-]{50,400}${RD}` },
  { type: 'heroku_api_key', source: `${LD}HRKU-[A-Za-z0-9_-]{20,100}${RD}` },
  { type: 'digitalocean_token', source: `${L}do[por]_v1_[a-f0-9]{64}${R}` },
  { type: 'huggingface_token', source: `${L}hf_[A-Za-z0-9]{30,60}${R}`, validate: (m) => mixedCase(m.slice(3)) },
  { type: 'shopify_token', source: `${L}shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}${R}` },
  { type: 'mailgun_api_key', source: `${LD}key-[0-9a-f]{32}${R}` },
  { type: 'jwt', source: `${L}eyJ[A-Za-z0-9_-]{8,4000}\\.eyJ[A-Za-z0-9_-]{8,8000}\\.[A-Za-z0-9_-]{0,2000}${RD}` },
  // ClaudeTools' own API keys: ct_<12 alnum key id>_<43 base64url secret>.
  { type: 'claudetools_api_key', source: `${L}ct_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}${RD}` },
  // Azure storage / Service Bus connection strings and SAS signatures (the key name is kept).
  { type: 'azure_storage_key', source: `(?<keep>(?<![A-Za-z0-9])(?:[Aa]ccount[Kk]ey|[Ss]hared[Aa]ccess[Kk]ey)=)[A-Za-z0-9+/]{20,200}={0,2}` },
  { type: 'azure_sas_signature', source: `(?<keep>${L}sig=)[A-Za-z0-9%+/=]{20,200}(?![A-Za-z0-9%+/=])` },
];

const TOKEN_RE = new RegExp(
  TOKEN_SHAPES.map((s, i) => `(?<t${i}>${s.source.replace('(?<keep>', `(?<k${i}>`)})`).join('|'),
  'g',
);

function redactTokens(text: string): string {
  return text.replace(TOKEN_RE, (match: string, ...args: unknown[]) => {
    const groups = args[args.length - 1] as Record<string, string | undefined>;
    for (let i = 0; i < TOKEN_SHAPES.length; i++) {
      if (groups[`t${i}`] === undefined) continue;
      const shape = TOKEN_SHAPES[i];
      if (shape.validate && !shape.validate(match)) return match;
      return (groups[`k${i}`] ?? '') + mark(shape.type);
    }
    return match;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Pass 3: passwords in URLs
// ---------------------------------------------------------------------------------------------------------

/** scheme://user:pass@host; the password runs to the LAST @ before the path, so an unescaped @ in it is covered. */
const URL_CREDENTIALS = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{1,30}:\/\/[^\s:@/?#'"<>]{0,256}:)([^\s/?#'"<>]{1,256})@(?=[A-Za-z0-9[_.-])/g;

function redactUrlCredentials(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_CREDENTIALS, (m: string, head: string, pass: string) =>
    isPlaceholderValue(pass) ? m : `${head}${mark('password')}@`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Pass 4: HTTP authentication headers and cookies
// ---------------------------------------------------------------------------------------------------------

const AUTH_HEADER = /\b((?:proxy-)?authorization\\?["'`]?[ \t]*[:=][ \t]*\\?["'`]?[ \t]*)(?:(bearer|basic|token|bot|dpop|negotiate|ntlm|apikey|api-key|sso-key)[ \t]+)?([^\s"'`\\,;]{1,4096})/gi;
const BARE_BEARER = /(?<![A-Za-z0-9_-])([Bb]earer[ \t]+)([A-Za-z0-9._~+/-]{20,4096}={0,2})(?![A-Za-z0-9._~+/=-])/g;
const COOKIE_HEADER = /\b((?:set-)?cookie[ \t]*:[ \t]*)([^\r\n"'\\]{1,8192})/gi;
const CURL_COOKIE = /((?<![A-Za-z0-9_-])(?:-b|--cookie)[ \t]+(["']))([^"'\r\n]{1,8192})\2/g;
const COOKIE_PAIR = /(^|;[ \t]*)([^=;\s]+)=([^;]*)/g;

function authType(scheme: string | undefined): string {
  const s = (scheme ?? '').toLowerCase();
  if (s === 'basic') return 'basic_auth';
  if (s === 'bearer' || s === 'token' || s === 'bot' || s === 'dpop') return 'bearer_token';
  return 'authorization';
}

/** Replaces the values in `a=1; b=2` (only the first pair of a Set-Cookie, the rest are attributes). */
function redactCookieValue(value: string, firstOnly: boolean): string {
  let n = 0;
  return value.replace(COOKIE_PAIR, (m: string, sep: string, name: string, v: string) => {
    if (firstOnly && n++ > 0) return m;
    const t = v.trim();
    if (!t || t.startsWith('[REDACTED:')) return m;
    return `${sep}${name}=${mark('cookie')}`;
  });
}

function redactHttpAuth(text: string): string {
  let out = text;
  if (/authorization/i.test(out)) {
    out = out.replace(AUTH_HEADER, (m: string, head: string, scheme: string | undefined, cred: string) => {
      if (isPlaceholderValue(cred)) return m;
      if (!scheme && !isSecretValue(cred, { quoted: false, envStyle: false, followedByWords: false })) return m;
      return `${head}${scheme ? `${scheme} ` : ''}${mark(authType(scheme))}`;
    });
  }
  if (/bearer/i.test(out)) {
    out = out.replace(BARE_BEARER, (m: string, head: string, tok: string) =>
      mixedAll(tok) && !isPlaceholderValue(tok) ? `${head}${mark('bearer_token')}` : m,
    );
  }
  if (/cookie/i.test(out)) {
    out = out.replace(COOKIE_HEADER, (m: string, head: string, value: string) =>
      value.includes('=') ? head + redactCookieValue(value, /^set-/i.test(head)) : m,
    );
  }
  if (/-b|--cookie/.test(out)) {
    out = out.replace(CURL_COOKIE, (m: string, head: string, q: string, value: string) =>
      value.includes('=') ? head + redactCookieValue(value, false) + q : m,
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Pass 5: connection strings
// ---------------------------------------------------------------------------------------------------------

/** Password=…; / Pwd=…; — only in a `;`-separated context, so `PWD=/home/bob` stays. The value may hold spaces. */
const CONN_PASSWORD = /(?<![A-Za-z0-9_])(password|pwd)([ \t]*=[ \t]*)([^;\r\n"'][^;\r\n"']{0,511})(;?)/gi;

function redactConnectionStrings(text: string): string {
  if (!text.includes(';')) return text;
  return text.replace(CONN_PASSWORD, (m: string, key: string, eq: string, value: string, semi: string, offset: number) => {
    let i = offset - 1;
    while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
    const afterSemicolon = text[i] === ';';
    if (!afterSemicolon && !(semi && !/\s/.test(value.trim()))) return m;
    const v = value.replace(/\s+$/, '');
    if (isPlaceholderValue(v)) return m;
    return `${key}${eq}${mark('password')}${value.slice(v.length)}${semi}`;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Pass 6: command lines
// ---------------------------------------------------------------------------------------------------------

const FLAG_VALUE = `('[^'\\r\\n]*'|"[^"\\r\\n]*"|[^\\s'"-][^\\s]*)`;
/** --password foo, --api-key foo, --client-secret 'foo' (the `=` form is an assignment, pass 7). */
const LONG_FLAG = new RegExp(
  `((?<![A-Za-z0-9_-])--(?:[A-Za-z0-9]+[-_])*(?:password|passwd|pass|token|api[-_]?key|apikey|access[-_]?key|secret[-_]?key|client[-_]?secret)[ \\t]+)${FLAG_VALUE}`,
  'gi',
);
/**
 * Tools that take the password glued to -p (mysql family), after -p (sshpass), after -a (redis-cli). The
 * flag is matched first and the command looked up earlier on the same line, which keeps this linear.
 */
const GLUED_P = /(?<=[ \t])(-p)('[^'\r\n]*'|"[^"\r\n]*"|[^\s'"]+)/g;
const MYSQL_CMD = /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mariadb|mariadb-dump)\b/;
const SSHPASS_P = /(\bsshpass[ \t]+-p[ \t]*)('[^'\r\n]*'|"[^"\r\n]*"|[^\s'"]+)/g;
const SPACED_A = /(?<=[ \t])(-a[ \t]+)('[^'\r\n]*'|"[^"\r\n]*"|[^\s'"-][^\s'"]*)/g;
const REDIS_CMD = /\bredis-cli\b/;
const OPENSSL_PASS = /((?<![A-Za-z0-9_])-pass(?:in|out)?[ \t]+pass:)([^\s'"]+)/g;
/** curl -u user:pass, --user, --proxy-user; the user name is kept. */
const CURL_USER = /((?<![A-Za-z0-9_-])(?:-u|--user|--proxy-user)[ \t]+(["']?)([^\s:'"]{0,256}):)([^\s'"]{1,512})(?=\2)/g;
/** .netrc: machine host login user password secret (one-line form). */
const NETRC = /(\bmachine[ \t]+\S+[ \t]+(?:login[ \t]+\S+[ \t]+)?password[ \t]+)(\S+)/g;

/** The part of the current line before `offset`, at most 256 characters. */
function lineBefore(text: string, offset: number): string {
  const head = text.slice(Math.max(0, offset - 256), offset);
  return head.slice(head.lastIndexOf('\n') + 1);
}

const unquote = (v: string) => (/^(["']).*\1$/s.test(v) ? v.slice(1, -1) : v);

function replaceValue(head: string, raw: string, type: string): string {
  const q = /^["']/.test(raw) ? raw[0] : '';
  return `${head}${q}${mark(type)}${q}`;
}

function redactCommandLines(text: string): string {
  let out = text;
  if (out.includes('--')) {
    out = out.replace(LONG_FLAG, (m: string, head: string, raw: string) => {
      const v = unquote(raw);
      const quoted = v !== raw;
      if (!isSecretValue(v, { quoted, envStyle: false, followedByWords: false })) return m;
      const flag = head.trim().replace(/^-+/, '');
      return replaceValue(head, raw, typeForKey(flag));
    });
  }
  /** The tool makes the argument a password whatever it looks like: only references and markers stay. */
  const certain = (m: string, head: string, raw: string) =>
    isPlaceholderValue(unquote(raw), 1) ? m : replaceValue(head, raw, 'password');
  if (/mysql|mariadb/.test(out)) {
    const src = out;
    out = out.replace(GLUED_P, (m: string, flag: string, raw: string, offset: number) =>
      MYSQL_CMD.test(lineBefore(src, offset)) ? certain(m, flag, raw) : m,
    );
  }
  if (out.includes('sshpass')) out = out.replace(SSHPASS_P, certain);
  if (out.includes('redis-cli')) {
    const src = out;
    out = out.replace(SPACED_A, (m: string, flag: string, raw: string, offset: number) =>
      REDIS_CMD.test(lineBefore(src, offset)) ? certain(m, flag, raw) : m,
    );
  }
  if (out.includes('pass:')) out = out.replace(OPENSSL_PASS, certain);
  if (/-u|--user|--proxy-user/.test(out)) {
    out = out.replace(CURL_USER, (m: string, head: string, _q: string, user: string, pass: string) => {
      // `docker run -u 1000:1000` is uid:gid, `-u root:root` a user:group pair.
      if (/^\d+$/.test(pass) || pass === user || isPlaceholderValue(pass)) return m;
      return `${head}${mark('password')}`;
    });
  }
  if (out.includes('machine')) {
    out = out.replace(NETRC, (m: string, head: string, v: string) => (isPlaceholderValue(v) ? m : `${head}${mark('password')}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Pass 7: assignments to secret-named keys
// ---------------------------------------------------------------------------------------------------------

/**
 * A secret word directly followed by an optional closing quote and a separator. The secret word must end the
 * key (`password_hash=` does not match), the full key is found by scanning back, and the separator must not
 * be a comparison (`==`, `=~`). Values are parsed by hand after the match, which keeps this linear.
 */
const ASSIGNMENT = new RegExp(
  '(?:pass(?:word|wd|phrase)?|secret(?:[_-]?key(?:[_-]?base)?)?|token|api[_-]?key|apikey|_auth|cookie' +
    '|(?:access|private|signing|encryption|master|account|app|license|shared|consumer|subscription|sas)[_-]?key)' +
    '(\\\\?["\']?)([ \\t]*)(:=|=>|[:=])(?![=~:])',
  'gi',
);
const ASSIGNMENT_HINT = /pass|secret|token|key|_auth|cookie/i;

const isKeyChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45;

/** Longer quoted values are not parsed as a secret (keeps a run of unclosed quotes linear; long tokens have shapes). */
const MAX_QUOTED = 512;

/** A stretch [from, to) already scanned without finding a closing `quote`, so runs of unclosed quotes stay linear. */
interface QuoteScan {
  quote: string;
  from: number;
  to: number;
  /** The scan stopped at a line break or the end of the text, so no later start before `to` can succeed. */
  final: boolean;
}

/** Index of the closing quote of a quoted value starting at `from`, on the same line; -1 if none. */
function findClosingQuote(text: string, from: number, quote: string, memo: QuoteScan): number {
  const escapedQuote = quote.length === 2;
  const q = quote[quote.length - 1];
  const limit = Math.min(text.length, from + MAX_QUOTED);
  let i = from;
  if (memo.quote === quote && from >= memo.from && from < memo.to) {
    if (memo.final) return -1;
    i = memo.to;
  } else memo.from = from;
  memo.quote = quote;
  for (; i < limit; i++) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      Object.assign(memo, { to: i, final: true });
      return -1;
    }
    if (escapedQuote) {
      if (c === '\\' && text[i + 1] === q) return i;
    } else if (c === '\\' && q !== "'") i++;
    else if (c === q) return i;
  }
  Object.assign(memo, { to: Math.max(i, limit), final: limit === text.length });
  return -1;
}

const UNQUOTED_STOP = new Set([' ', '\t', '\r', '\n', '"', "'", '`', ',', ';', '\\']);

function redactAssignments(text: string): string {
  if (!ASSIGNMENT_HINT.test(text)) return text;
  let out = '';
  let last = 0;
  const memo: QuoteScan = { quote: '', from: 0, to: 0, final: false };
  ASSIGNMENT.lastIndex = 0;
  for (let m: RegExpExecArray | null; (m = ASSIGNMENT.exec(text)); ) {
    const [whole, closeQuote, spaceBefore, sep] = m;
    const keyEnd = m.index + whole.length - closeQuote.length - spaceBefore.length - sep.length;
    let keyStart = m.index;
    while (keyStart > 0 && m.index - keyStart < 128 && isKeyChar(text.charCodeAt(keyStart - 1))) keyStart--;
    const rawKey = text.slice(keyStart, keyEnd);
    if (!isSecretKeyName(rawKey)) continue;
    const before = text[keyStart - 1];
    const keyQuoted = before === '"' || before === "'";

    // Parse the value.
    let p = m.index + whole.length;
    while (text[p] === ' ' || text[p] === '\t') p++;
    const spaced = spaceBefore.length > 0 || p > m.index + whole.length;
    let vStart = p;
    let vEnd: number;
    let quoted = true;
    const c = text[p];
    if (c === '"' || c === "'" || c === '`') {
      vStart = p + 1;
      vEnd = findClosingQuote(text, vStart, c, memo);
    } else if (c === '\\' && (text[p + 1] === '"' || text[p + 1] === "'")) {
      vStart = p + 2;
      vEnd = findClosingQuote(text, vStart, c + text[p + 1], memo);
    } else {
      quoted = false;
      // `password:reset` (no space after a colon, key not quoted) is not YAML/JSON: a path, a label, a scope.
      if (sep === ':' && !spaced && !keyQuoted) continue;
      const inQuery = before === '?' || before === '&';
      const limit = Math.min(text.length, p + 1024);
      vEnd = p;
      while (vEnd < limit && !UNQUOTED_STOP.has(text[vEnd]) && !(inQuery && text[vEnd] === '&')) vEnd++;
      // Closing brackets of the surrounding code, and a full stop ending a sentence, are not part of it.
      while (vEnd > p && /[)\]}>]/.test(text[vEnd - 1])) vEnd--;
      if (vEnd > p && text[vEnd - 1] === '.' && (vEnd === text.length || /\s/.test(text[vEnd]))) vEnd--;
    }
    if (vEnd <= vStart) continue;
    const value = text.slice(vStart, vEnd);

    let lineStart = keyStart;
    while (lineStart > 0 && keyStart - lineStart < 32 && text[lineStart - 1] !== '\n') lineStart--;
    const atLineStart =
      (lineStart === 0 || text[lineStart - 1] === '\n') &&
      /^[ \t]*(?:(?:export|set|setx|ENV|ARG)[ \t]+|-[ \t]+)?["']?$/.test(text.slice(lineStart, keyStart));
    const upperKey = /^[A-Z0-9_.-]+$/.test(rawKey) && /[A-Z]/.test(rawKey);
    const envStyle = sep === '=' && !spaced && (upperKey || atLineStart);
    const rest = text.slice(quoted ? vEnd + 1 : vEnd, Math.min(text.length, vEnd + 40));
    const followedByWords = /^[ \t]+[A-Za-z0-9]/.test(rest);
    if (!isSecretValue(value, { quoted, envStyle, followedByWords })) continue;

    out += text.slice(last, vStart) + mark(typeForKey(rawKey));
    last = vEnd;
    ASSIGNMENT.lastIndex = vEnd;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** <password>…</password>, <apiKey>…</apiKey> in XML configs (Maven settings.xml, .NET, Tomcat…). */
const XML_ELEMENT = /<([A-Za-z_][\w.-]{0,64})>([^<\r\n]{1,512})<\/\1>/g;

function redactXmlElements(text: string): string {
  if (!text.includes('</')) return text;
  return text.replace(XML_ELEMENT, (m: string, tag: string, value: string) =>
    isSecretKeyName(tag) && isSecretValue(value, { quoted: true, envStyle: false, followedByWords: false })
      ? `<${tag}>${mark(typeForKey(tag))}</${tag}>`
      : m,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Pass 8: standalone high-entropy strings
// ---------------------------------------------------------------------------------------------------------

/**
 * Candidates are runs of base64url characters bounded by anything that is not part of base64, a path or a
 * dotted name: a run next to `/`, `+`, `=` or `.` is a piece of a larger blob (lockfile hashes, data URIs,
 * file names) and is left alone.
 */
const HIGH_ENTROPY = /(?<![A-Za-z0-9_+/=.-])[A-Za-z0-9_-]{32,512}={0,2}(?![A-Za-z0-9_+/=.-])/g;
/** A subresource-integrity hash as one run: sha512-<base64>. */
const SRI_HASH = /^(?:sha(?:1|224|256|384|512)|sha3-\d+|md5|blake2[bs]?)-/i;
/** Hash and encoding prefixes whose payload is a digest, not a secret; and SSH public key types. */
const DIGEST_PREFIX = /(?:(?:sha\d{0,3}|sha3-\d+|md5|h1|blake2[bs]?|xxh\d+|crc\d+|base64|b64)[-:,]|(?:ssh-[a-z0-9]+|ecdsa-sha2-nistp\d+|sk-[a-z0-9-]+@openssh\.com)[ \t]+)$/i;
/** SSH wire-format public keys start with a zero-padded length: AAAAB3NzaC1yc2E…, AAAAC3NzaC1lZDI1NTE5… */
const SSH_PUBLIC_KEY = /^AAAA[A-Z0-9]/;

const PUBLIC_PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{1,40})-----/g;
const PUBLIC_PEM_END = /-----END [A-Z0-9 ]{1,40}-----/g;

/**
 * [start, end) of each closed PEM block that is not a private key (certificates, public keys, CSRs, PGP
 * public keys and signatures): their base64 lines are public data. Linear: the END search is memoized.
 */
function publicPemRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let nextEnd = -2;
  let nextEndStop = 0;
  PUBLIC_PEM_BEGIN.lastIndex = 0;
  for (let m: RegExpExecArray | null; (m = PUBLIC_PEM_BEGIN.exec(text)); ) {
    const bodyStart = m.index + m[0].length;
    if (nextEnd !== -1 && nextEnd < bodyStart) {
      PUBLIC_PEM_END.lastIndex = bodyStart;
      const e = PUBLIC_PEM_END.exec(text);
      nextEnd = e ? e.index : -1;
      nextEndStop = e ? e.index + e[0].length : 0;
    }
    if (nextEnd < 0 || nextEnd - bodyStart > PEM_MAX) continue;
    if (!m[1].includes('PRIVATE KEY')) ranges.push([m.index, nextEndStop]);
    PUBLIC_PEM_BEGIN.lastIndex = nextEndStop;
  }
  return ranges;
}

function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const charClass = (c: string) => (c >= 'a' && c <= 'z' ? 0 : c >= 'A' && c <= 'Z' ? 1 : c >= '0' && c <= '9' ? 2 : 3);

/**
 * Random rather than a word: upper, lower and digits (≥ 2 each), entropy ≥ 4 bits/char, few separators, and
 * the character class changes often. Random base62 changes class at ~62% of positions; CamelCase
 * identifiers such as `getUserProfileSettingsByAccountId2` stay under 30%.
 */
function looksRandom(s: string): boolean {
  const body = s.replace(/=+$/, '');
  let upper = 0;
  let lower = 0;
  let digit = 0;
  let sep = 0;
  let changes = 0;
  for (let i = 0; i < body.length; i++) {
    const k = charClass(body[i]);
    if (k === 0) lower++;
    else if (k === 1) upper++;
    else if (k === 2) digit++;
    else sep++;
    if (i > 0 && k !== charClass(body[i - 1])) changes++;
  }
  if (upper < 2 || lower < 2 || digit < 2 || sep > body.length / 8) return false;
  if (changes < 0.4 * (body.length - 1)) return false;
  return shannonEntropy(body) >= 4;
}

function redactHighEntropy(text: string): string {
  const publicBlocks = text.includes('-----BEGIN ') ? publicPemRanges(text) : [];
  let r = 0;
  return text.replace(HIGH_ENTROPY, (m: string, offset: number) => {
    if (!looksRandom(m) || SRI_HASH.test(m) || SSH_PUBLIC_KEY.test(m)) return m;
    if (DIGEST_PREFIX.test(text.slice(Math.max(0, offset - 40), offset))) return m;
    while (r < publicBlocks.length && publicBlocks[r][1] <= offset) r++;
    if (r < publicBlocks.length && publicBlocks[r][0] <= offset) return m;
    return mark('secret');
  });
}

// ---------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------

const SECRET_PASSES: ReadonlyArray<(text: string) => string> = [
  redactPem,
  redactTokens,
  redactUrlCredentials,
  redactHttpAuth,
  redactConnectionStrings,
  redactCommandLines,
  redactAssignments,
  redactXmlElements,
  redactHighEntropy,
];

function applySecretPasses(text: string): string {
  let out = text;
  for (const pass of SECRET_PASSES) out = pass(out);
  return out;
}

/**
 * Drops `<private>…</private>` blocks (any case, across lines; an unclosed `<private>` drops everything after
 * it), then replaces every recognised secret with `[REDACTED:<type>]`, keeping the surrounding text.
 */
export function redactSecrets(text: string): string {
  if (!text) return text;
  return applySecretPasses(stripPrivate(text));
}

/** Whether the text holds a secret `redactSecrets` would replace (`<private>` blocks alone do not count). */
export function containsSecret(text: string): boolean {
  if (!text) return false;
  return applySecretPasses(text) !== text;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Sets an own property, `__proto__` included (JSON.parse makes those; plain assignment would set the prototype). */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Every string leaf of a value under a secret-named key becomes a placeholder; other leaves stay. */
function redactWhole(value: unknown, type: string): unknown {
  if (typeof value === 'string') return isPlaceholderValue(value, 1) ? value : mark(type);
  if (Array.isArray(value)) return value.map((v) => redactWhole(v, type));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, redactWhole(v, type));
    return out;
  }
  return value;
}

function redactDeepInner(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (Array.isArray(value)) {
    if (seen.has(value)) return seen.get(value);
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(redactDeepInner(v, seen));
    return out;
  }
  if (isPlainObject(value)) {
    if (seen.has(value)) return seen.get(value);
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const [k, v] of Object.entries(value)) {
      setOwn(out, redactSecrets(k), isSecretKeyName(k) ? redactWhole(v, typeForKey(k)) : redactDeepInner(v, seen));
    }
    return out;
  }
  return value;
}

/**
 * redactSecrets over every string of a JSON-like value (object keys included), returning a copy. The value
 * of a key that names a secret (password, secret, token, api_key, private_key, client_secret,
 * authorization, cookie…) is replaced whole: every non-empty string under it, unless it is a reference
 * such as `${{ secrets.X }}`. Numbers, booleans and null are left as they are; so are non-plain objects
 * (Date, Map, class instances).
 */
export function redactDeep<T>(value: T): T {
  return redactDeepInner(value, new WeakMap()) as T;
}
