import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mayHoldSecret } from '../../src/hook/secret-hint.js';
import { redactSecrets } from '../../src/memory/redact.js';

// Fake secrets of each shape, prefixes split so no literal here looks like a live credential to scanners.
const j = (...parts: string[]) => parts.join('');
let seed = 7;
const rand = (charset: string, n: number) => Array.from({ length: n }, () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return charset[seed % charset.length];
}).join('');
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const ALNUM = UPPER + LOWER + '0123456789';
const mixed = (n: number) => `A${'b'}7${rand(ALNUM, n - 3)}`;

/** One text per pass and per token shape of memory/redact.ts, each one it redacts. */
const SECRETS: Record<string, string> = {
  private_block: 'keep <private>the pin is 4711</private> this',
  pem: `-----BEGIN RSA PRIVATE ${'KEY'}-----\n${rand(ALNUM, 64)}\n-----END RSA PRIVATE ${'KEY'}-----`,
  aws_access_key: j('AKI', 'A', rand(UPPER, 16)),
  github_token: j('gh', 'p_', mixed(36)),
  gitlab_token: j('gl', 'pat-', rand(LOWER, 20)),
  slack_token: j('xo', 'xb-', rand(LOWER, 12)),
  slack_webhook: j('https://hooks.slack', '.com/services/', rand(LOWER, 24)),
  discord_webhook: j('https://discord', '.com/api/webhooks/123456/', rand(LOWER, 30)),
  stripe_key: j('sk', '_live_', mixed(24)),
  stripe_webhook_secret: j('wh', 'sec_', rand(LOWER, 10), '+', rand(LOWER, 20)),
  anthropic_api_key: j('sk', '-ant-', rand(LOWER, 30)),
  openai_api_key: j('sk', '-', mixed(40)),
  google_api_key: j('AI', 'za', rand(ALNUM, 35)),
  google_oauth_secret: j('GOC', 'SPX-', mixed(28)),
  google_oauth_token: j('ya', '29.', rand(LOWER, 30)),
  twilio_sid: j('A', 'C', rand('0123456789abcdef', 32)),
  sendgrid_api_key: j('S', 'G.', rand(LOWER, 20), '.', rand(LOWER, 30)),
  npm_token: j('np', 'm_', mixed(36)),
  pypi_token: j('py', 'pi-AgE', rand(LOWER, 60)),
  heroku_api_key: j('HR', 'KU-', rand(LOWER, 30)),
  digitalocean_token: j('do', 'p_v1_', rand('0123456789abcdef', 64)),
  huggingface_token: j('h', 'f_', mixed(34)),
  shopify_token: j('shp', 'at_', rand('0123456789abcdef', 32)),
  mailgun_api_key: j('ke', 'y-', rand('abcdef', 32)),
  jwt: j('ey', 'J', rand(LOWER, 12), '.ey', 'J', rand(LOWER, 12), '.', rand(LOWER, 10)),
  claudetools_api_key: j('c', 't_', mixed(12), '_', rand(ALNUM, 43)),
  azure_storage_key: j('AccountKey', '=', rand(ALNUM, 40)),
  azure_sas_signature: j('si', 'g=', rand(ALNUM, 30)),
  url_password: 'postgres://app:Tr0ub4dor-x@db:5432/app',
  authorization: `authorization ${'='} Basic ${mixed(24)}`,
  bare_bearer: `Bearer ${mixed(30)}`,
  cookie: 'Cookie: session=abcdef',
  connection_string: 'Server=db;User Id=app;Password=hunter2hunter;',
  long_flag: 'deploy --password Hunter2hunter now',
  mysql: 'mysql -u root -phunterhunter',
  sshpass: 'sshpass -p hunterhunter ssh box',
  redis: 'redis-cli -a hunterhunter ping',
  openssl: 'openssl rsa -passin pass:hunterhunter',
  curl_user: 'curl -u deploy:hunterhunter https://x',
  netrc: 'machine example password hunterhunter',
  assignment: 'db_password = "hunter two"',
  xml: '<password>hunterhunter</password>',
  high_entropy: mixed(40),
};

describe('mayHoldSecret: the prompt hook skips the redactor only for text no pass can change', () => {
  it('is true for a text of every pass and token shape the redactor has', () => {
    for (const [name, text] of Object.entries(SECRETS)) {
      expect(redactSecrets(text), name).not.toBe(text);
      expect(mayHoldSecret(text), name).toBe(true);
      expect(mayHoldSecret(`Why does this fail: ${text} again?`), name).toBe(true);
    }
  });

  it('is false for plain prose, and true for prose with a path, a long identifier or a key word', () => {
    for (const p of ['Why does the Synology backup fail with a refused connection on port 5001?', 'How is the nas backup configured?', "what's the plan for the migration, again?",
      'why does src/hook/main.ts crash', 'ask bob@host.io about c++ and 100% of /etc/hosts']) {
      expect(mayHoldSecret(p), p).toBe(false);
    }
    for (const p of ['fix src/hook/user-prompt-submit.ts', 'why is getUserProfile slow', 'what is ERR_SOCKET_TIMEOUT', 'C:\\Users\\bob', 'a=b', 'rotate the api key', 'what is in node_modules', 'see 2026-03-01T10']) {
      expect(mayHoldSecret(p), p).toBe(true);
    }
  });

  it('lets through nothing the redactor would change (20,000 random prose-like texts)', () => {
    // Words the filter lets through: lowercase words of any length, short words with capitals, digits
    // and joiners, punctuation it does not look at; plus the redactor's own trigger words now and then.
    const pieces = [
      () => rand(LOWER, 1 + (seed % 14)), () => rand(LOWER, 11 + (seed % 30)), () => rand(ALNUM + '_-.', 1 + (seed % 10)),
      () => rand(UPPER, 2 + (seed % 8)), () => rand('0123456789', 1 + (seed % 10)), () => rand(' \t\n,.!?()[]{}*#$~`^|"\'/@+%&', 1),
      () => [rand(LOWER, 4), rand(ALNUM, 6), rand(LOWER, 3)].join(rand('/+@%&', 1)),
      () => ['password', 'token', 'secret', 'bearer', 'cookie', 'mysql', 'machine', 'sshpass', 'redis-cli', 'private', 'BEGIN', 'sig', 'eyJ'][seed % 13]!,
    ];
    let passed = 0;
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from({ length: 1 + (n % 25) }, () => pieces[rand('01234567', 1).charCodeAt(0) - 48]!()).join(rand(' \n./+', 1));
      if (mayHoldSecret(text)) continue;
      passed++;
      expect(redactSecrets(text), text).toBe(text);
    }
    expect(passed).toBeGreaterThan(2000);
  });

  it('was checked against every pass and token shape of memory/redact.ts (a new one needs a look at secret-hint.ts)', () => {
    const source = readFileSync(join(import.meta.dirname, '../../src/memory/redact.ts'), 'utf8');
    const passes = /const SECRET_PASSES[^[]*\[([^\]]*)\]/.exec(source)![1]!.split(',').map((s) => s.trim()).filter(Boolean);
    expect(passes).toEqual(['redactPem', 'redactTokens', 'redactUrlCredentials', 'redactHttpAuth', 'redactConnectionStrings',
      'redactCommandLines', 'redactAssignments', 'redactXmlElements', 'redactHighEntropy']);
    const shapes = [...source.matchAll(/\{ type: '([a-z_]+)', source:/g)].map((m) => m[1]);
    expect(shapes.sort()).toEqual(Object.keys(SECRETS).filter((k) => shapes.includes(k)).sort());
    expect(shapes).toHaveLength(26);
  });
});
