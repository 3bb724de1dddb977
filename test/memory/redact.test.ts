import { describe, expect, it } from 'vitest';
import { containsSecret, redactDeep, redactSecrets } from '../../src/memory/redact.js';

// Fake secrets: right shape, random bodies from a seeded generator, prefixes split so that no literal in
// this file looks like a live credential to secret scanners (e.g. GitHub push protection).
let seed = 0x5eed;
function rand(charset: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    s += charset[((t ^ (t >>> 14)) >>> 0) % charset.length];
  }
  return s;
}
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '-_';
/** Always mixes classes: an upper, a lower, a digit, then random alnum. */
const mixed = (n: number) => rand(UPPER, 1) + rand(LOWER, 1) + rand(DIGITS, 1) + rand(ALNUM, n - 3);
/** A password that starts with a letter and has symbols that are safe in URLs, env files and quotes. */
const password = () => rand(UPPER, 1) + rand(LOWER, 2) + rand(DIGITS, 2) + rand(ALNUM + '!%^_+', 9) + rand(DIGITS, 1);
const uuid = () => `${rand(HEX, 8)}-${rand(HEX, 4)}-4${rand(HEX, 3)}-a${rand(HEX, 3)}-${rand(HEX, 12)}`;
const j = (...parts: string[]) => parts.join('');

const akid = j('AKI', 'A', rand(UPPER + '234567', 16));
const asia = j('ASI', 'A', rand(UPPER + '234567', 16));
const awsSecret = rand(B64, 18) + '/' + rand(B64, 10) + '+' + rand(ALNUM, 10);
/** Starts with `/`, as 1 in 64 AWS secret keys do: must not be mistaken for a path. */
const awsSecretSlash = '/' + mixed(20) + '+' + mixed(18);
const ghp = j('gh', 'p_', mixed(36));
const gho = j('gh', 'o_', mixed(36));
const ghs = j('gh', 's_', mixed(36));
const ghPat = j('github', '_pat_', mixed(22), '_', mixed(59));
const glpat = j('gl', 'pat-', mixed(20));
const xoxb = j('xo', 'xb-', rand(DIGITS, 12), '-', rand(DIGITS, 13), '-', mixed(24));
const slackHook = j('T', rand(UPPER + DIGITS, 8), '/B', rand(UPPER + DIGITS, 10), '/', mixed(24));
const skLive = j('sk', '_live_', mixed(99));
const rkLive = j('rk', '_live_', mixed(24));
const skTest = j('sk', '_test_', mixed(24));
const whsec = j('wh', 'sec_', mixed(32));
const openaiProj = j('sk', '-proj-', mixed(40), '_', mixed(40), '-', mixed(30));
const openaiLegacy = j('sk', '-', mixed(48));
const anthropic = j('sk', '-ant-api03-', rand(B64URL, 93), 'AA');
const googleKey = j('AI', 'za', 'Sy', rand(B64URL, 33));
const gocspx = j('GOC', 'SPX-', mixed(28));
const twilioAc = j('A', 'C', rand(HEX, 32));
const twilioSk = j('S', 'K', rand(HEX, 32));
const twilioAuth = rand(HEX, 32);
const sendgrid = j('S', 'G.', mixed(22), '.', mixed(43));
const npmToken = j('np', 'm_', mixed(36));
const pypi = j('py', 'pi-', 'AgEIcHlwaS5vcmc', rand(B64URL, 120));
const herokuUuid = uuid();
const doToken = j('do', 'p_v1_', rand(HEX, 64));
const hfToken = j('h', 'f_', rand(UPPER, 2), rand(LOWER, 2), rand(UPPER + LOWER, 30));
const shpat = j('shp', 'at_', rand(HEX, 32));
const mailgun = j('ke', 'y-', rand(HEX, 32));
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const jwt = [b64url('{"alg":"HS256","typ":"JWT"}'), b64url(`{"sub":"${uuid()}","iat":1700000000,"role":"admin"}`), rand(B64URL, 43)].join('.');
const ctKey = j('c', 't_', mixed(12), '_', rand(B64URL, 43));
const azureKey = rand(B64, 86) + '==';
const sasSig = rand(ALNUM, 20) + '%2B' + rand(ALNUM, 16) + '%3D';
const pemBody = Array.from({ length: 8 }, () => rand(B64, 64)).join('\n');
const pem = (label: string) => `-----BEGIN ${label}-----\n${pemBody}\n-----END ${label}-----`;
const basic = Buffer.from(`deploy:${password()}`).toString('base64');
const highEntropy = mixed(40);
const discordHook = j(rand(DIGITS, 18), '/', mixed(68));
const pw = Array.from({ length: 30 }, password);
const sessionCookie = mixed(32);

interface Positive {
  name: string;
  text: string;
  /** Substrings that must be gone. */
  secrets: string[];
  /** Substrings around them that must stay. */
  keep: string[];
  /** Exact expected output, where it is worth pinning. */
  expected?: string;
}

const positives: Positive[] = [
  { name: 'AWS access key id in .env', text: `AWS_ACCESS_KEY_ID=${akid}\nAWS_REGION=eu-west-1`, secrets: [akid], keep: ['AWS_ACCESS_KEY_ID=', 'AWS_REGION=eu-west-1'], expected: 'AWS_ACCESS_KEY_ID=[REDACTED:aws_access_key]\nAWS_REGION=eu-west-1' },
  { name: 'AWS secret key in ~/.aws/credentials', text: `[default]\naws_access_key_id = ${akid}\naws_secret_access_key = ${awsSecret}\nregion = us-east-1`, secrets: [akid, awsSecret], keep: ['[default]', 'aws_secret_access_key = ', 'region = us-east-1'], expected: '[default]\naws_access_key_id = [REDACTED:aws_access_key]\naws_secret_access_key = [REDACTED:aws_secret_key]\nregion = us-east-1' },
  { name: 'AWS secret key starting with a slash', text: `AWS_SECRET_ACCESS_KEY=${awsSecretSlash}\n"SecretAccessKey": "${awsSecretSlash}"`, secrets: [awsSecretSlash, awsSecretSlash.slice(1, 21)], keep: ['AWS_SECRET_ACCESS_KEY=', '"SecretAccessKey": "'], expected: 'AWS_SECRET_ACCESS_KEY=[REDACTED:aws_secret_key]\n"SecretAccessKey": "[REDACTED:aws_secret_key]"' },
  { name: 'AWS STS credentials JSON', text: `{"Credentials": {"AccessKeyId": "${asia}", "SecretAccessKey": "${awsSecret}", "Expiration": "2024-05-01T12:00:00Z"}}`, secrets: [asia, awsSecret], keep: ['"Expiration": "2024-05-01T12:00:00Z"', '"SecretAccessKey": "'] },
  { name: 'GCP service account JSON', text: `{\n  "type": "service_account",\n  "project_id": "acme-prod",\n  "private_key_id": "${rand(HEX, 40)}",\n  "private_key": "${pem('PRIVATE KEY').replace(/\n/g, '\\n')}\\n",\n  "client_email": "deployer@acme-prod.iam.gserviceaccount.com"\n}`, secrets: [pemBody.slice(0, 64), pemBody.slice(-64), 'BEGIN PRIVATE KEY'], keep: ['"client_email": "deployer@acme-prod.iam.gserviceaccount.com"', '"private_key": "[REDACTED:private_key]', '"project_id": "acme-prod"'] },
  { name: 'Azure storage connection string', text: `AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=${azureKey};EndpointSuffix=core.windows.net"`, secrets: [azureKey.slice(0, 40)], keep: ['AccountName=acmeprod;AccountKey=', ';EndpointSuffix=core.windows.net'] },
  { name: 'Azure SAS URL', text: `curl "https://acmeprod.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2025-01-01T00:00:00Z&sig=${sasSig}"`, secrets: [sasSig], keep: ['https://acmeprod.blob.core.windows.net/backups/db.bak?sv=2022-11-02', '&sig='] },
  { name: 'GitHub classic PAT in a clone URL (shell history)', text: `  512  git clone https://${ghp}@github.com/acme/infra.git`, secrets: [ghp], keep: ['git clone https://', '@github.com/acme/infra.git'] },
  { name: 'GitHub fine-grained PAT in .env', text: `GITHUB_TOKEN=${ghPat}`, secrets: [ghPat], keep: ['GITHUB_TOKEN='], expected: 'GITHUB_TOKEN=[REDACTED:github_token]' },
  { name: 'GitHub OAuth token in a JSON response', text: `{"access_token":"${gho}","token_type":"bearer","scope":"repo"}`, secrets: [gho], keep: ['"token_type":"bearer"', '"scope":"repo"'] },
  { name: 'GitHub app token in a CI log URL', text: `remote: https://x-access-token:${ghs}@github.com/acme/app.git`, secrets: [ghs], keep: ['https://x-access-token:', '@github.com/acme/app.git'] },
  { name: 'GitLab PAT in a curl header', text: `curl --header "PRIVATE-TOKEN: ${glpat}" "https://gitlab.example.com/api/v4/projects"`, secrets: [glpat], keep: ['curl --header "PRIVATE-TOKEN: ', 'https://gitlab.example.com/api/v4/projects'] },
  { name: 'Slack bot token in YAML', text: `slack:\n  bot_token: ${xoxb}\n  channel: "#alerts"`, secrets: [xoxb], keep: ['bot_token: ', 'channel: "#alerts"'] },
  { name: 'Slack webhook in curl', text: `curl -X POST -H 'Content-type: application/json' --data '{"text":"deploy done"}' https://hooks.slack.com/services/${slackHook}`, secrets: [slackHook], keep: ['--data \'{"text":"deploy done"}\'', 'https://hooks.slack.com/services/'] },
  { name: 'Stripe live secret key in Python', text: `stripe.api_key = "${skLive}"\ncharge = stripe.Charge.create(amount=2000)`, secrets: [skLive], keep: ['stripe.api_key = "', 'stripe.Charge.create(amount=2000)'] },
  { name: 'Stripe restricted key in .env', text: `STRIPE_RESTRICTED_KEY=${rkLive}`, secrets: [rkLive], keep: ['STRIPE_RESTRICTED_KEY='] },
  { name: 'Stripe test key in a JS config', text: `export const config = { stripeKey: '${skTest}', currency: 'eur' };`, secrets: [skTest], keep: ["currency: 'eur'", 'export const config'] },
  { name: 'Stripe webhook secret', text: `STRIPE_WEBHOOK_SECRET=${whsec}`, secrets: [whsec], keep: ['STRIPE_WEBHOOK_SECRET='] },
  { name: 'OpenAI project key exported in a shell', text: `export OPENAI_API_KEY=${openaiProj}`, secrets: [openaiProj], keep: ['export OPENAI_API_KEY='], expected: 'export OPENAI_API_KEY=[REDACTED:openai_api_key]' },
  { name: 'OpenAI legacy key in a stack trace', text: `openai.AuthenticationError: Error code: 401 - Incorrect API key provided: ${openaiLegacy}. You can find your API key at https://platform.openai.com/account/api-keys.`, secrets: [openaiLegacy], keep: ['Incorrect API key provided: ', 'https://platform.openai.com/account/api-keys.'] },
  { name: 'Anthropic key in a curl header', text: `curl https://api.anthropic.com/v1/messages -H "x-api-key: ${anthropic}" -H "anthropic-version: 2023-06-01"`, secrets: [anthropic], keep: ['-H "x-api-key: ', '-H "anthropic-version: 2023-06-01"'] },
  { name: 'Google API key in a Firebase config', text: `const firebaseConfig = {\n  apiKey: "${googleKey}",\n  authDomain: "acme-app.firebaseapp.com",\n};`, secrets: [googleKey], keep: ['authDomain: "acme-app.firebaseapp.com"', 'apiKey: "'] },
  { name: 'Google OAuth client secret', text: `{"web":{"client_id":"1234-abc.apps.googleusercontent.com","client_secret":"${gocspx}"}}`, secrets: [gocspx], keep: ['"client_id":"1234-abc.apps.googleusercontent.com"'] },
  { name: 'Twilio SID and auth token with curl -u', text: `curl -X POST https://api.twilio.com/2010-04-01/Accounts/${twilioAc}/Messages.json -u ${twilioAc}:${twilioAuth} --data-urlencode "Body=hi"`, secrets: [twilioAc, twilioAuth], keep: ['https://api.twilio.com/2010-04-01/Accounts/', '/Messages.json -u ', '--data-urlencode "Body=hi"'] },
  { name: 'Twilio API key and auth token in .env', text: `TWILIO_API_KEY=${twilioSk}\nTWILIO_AUTH_TOKEN=${twilioAuth}`, secrets: [twilioSk, twilioAuth], keep: ['TWILIO_API_KEY=', 'TWILIO_AUTH_TOKEN='] },
  { name: 'SendGrid key, single-quoted', text: `SENDGRID_API_KEY='${sendgrid}'`, secrets: [sendgrid], keep: ["SENDGRID_API_KEY='"] },
  { name: 'npm token in .npmrc', text: `//registry.npmjs.org/:_authToken=${npmToken}\nalways-auth=true`, secrets: [npmToken], keep: ['//registry.npmjs.org/:_authToken=', 'always-auth=true'] },
  { name: 'PyPI token in .pypirc', text: `[pypi]\nusername = __token__\npassword = ${pypi}`, secrets: [pypi], keep: ['username = __token__', 'password = '] },
  { name: 'Heroku API key (a UUID) in .env', text: `HEROKU_API_KEY=${herokuUuid}`, secrets: [herokuUuid], keep: ['HEROKU_API_KEY='] },
  { name: 'Heroku key in .netrc', text: `machine api.heroku.com login ops@acme.io password ${herokuUuid}`, secrets: [herokuUuid], keep: ['machine api.heroku.com login ops@acme.io password '] },
  { name: 'DigitalOcean token on a command line', text: `doctl auth init --access-token ${doToken}`, secrets: [doToken], keep: ['doctl auth init --access-token '] },
  { name: 'Hugging Face token on a command line', text: `huggingface-cli login --token ${hfToken} --add-to-git-credential`, secrets: [hfToken], keep: ['huggingface-cli login --token ', ' --add-to-git-credential'] },
  { name: 'Shopify admin token header', text: `X-Shopify-Access-Token: ${shpat}`, secrets: [shpat], keep: ['X-Shopify-Access-Token: '] },
  { name: 'Mailgun key via curl --user', text: `curl -s --user 'api:${mailgun}' https://api.mailgun.net/v3/mg.acme.io/messages`, secrets: [mailgun], keep: ["curl -s --user 'api:", 'https://api.mailgun.net/v3/mg.acme.io/messages'] },
  { name: 'JWT in an Authorization header', text: `curl -H "Authorization: Bearer ${jwt}" https://api.acme.io/v1/me`, secrets: [jwt, jwt.split('.')[2]], keep: ['curl -H "Authorization: Bearer ', '" https://api.acme.io/v1/me'] },
  { name: 'JWT in a stack trace', text: `TokenExpiredError: jwt expired\n    at /app/node_modules/jsonwebtoken/verify.js:152:21 token=${jwt}`, secrets: [jwt.split('.')[1]], keep: ['at /app/node_modules/jsonwebtoken/verify.js:152:21', 'TokenExpiredError: jwt expired'] },
  { name: 'RSA private key block', text: `$ cat deploy_key\n${pem('RSA PRIVATE KEY')}\n$ chmod 600 deploy_key`, secrets: [pemBody.slice(0, 64), 'BEGIN RSA PRIVATE KEY', 'END RSA PRIVATE KEY'], keep: ['$ cat deploy_key\n', '\n$ chmod 600 deploy_key'], expected: '$ cat deploy_key\n[REDACTED:private_key]\n$ chmod 600 deploy_key' },
  { name: 'OpenSSH private key', text: `id_ed25519:\n${pem('OPENSSH PRIVATE KEY')}\n`, secrets: [pemBody.slice(100, 164)], keep: ['id_ed25519:\n'] },
  { name: 'EC private key in a YAML block scalar', text: `tls:\n  cert_file: /etc/tls/server.crt\n  key: |\n    ${pem('EC PRIVATE KEY').replace(/\n/g, '\n    ')}\n  port: 8443`, secrets: [pemBody.slice(200, 250)], keep: ['cert_file: /etc/tls/server.crt', '  port: 8443'] },
  { name: 'PGP private key block', text: `${pem('PGP PRIVATE KEY BLOCK')}`, secrets: [pemBody.slice(0, 64)], keep: [], expected: '[REDACTED:private_key]' },
  { name: 'Encrypted PKCS#8 key', text: `key.pem:\n${pem('ENCRYPTED PRIVATE KEY')}`, secrets: [pemBody.slice(300, 360)], keep: ['key.pem:\n'] },
  { name: 'Unterminated private key (pasted half)', text: `here it is:\n-----BEGIN RSA PRIVATE KEY-----\n${pemBody.slice(0, 130)}`, secrets: [pemBody.slice(0, 64), pemBody.slice(65, 129)], keep: ['here it is:\n'] },
  { name: 'Postgres URL in docker-compose', text: `    environment:\n      DATABASE_URL: postgres://app:${pw[0]}@db:5432/app`, secrets: [pw[0]], keep: ['DATABASE_URL: postgres://app:', '@db:5432/app'], expected: '    environment:\n      DATABASE_URL: postgres://app:[REDACTED:password]@db:5432/app' },
  { name: 'MongoDB SRV URL in a stack trace', text: `MongoServerError: bad auth : Authentication failed.\n    at Connection.onMessage (/app/node_modules/mongodb/lib/cmap/connection.js:202:26) uri=mongodb+srv://svc-reporting:${pw[1]}@cluster0.ab1cd.mongodb.net/reports?retryWrites=true`, secrets: [pw[1]], keep: ['mongodb+srv://svc-reporting:', '@cluster0.ab1cd.mongodb.net/reports?retryWrites=true', 'connection.js:202:26'] },
  { name: 'Redis URL with an empty user', text: `REDIS_URL=redis://:${pw[2]}@cache.internal:6379/0`, secrets: [pw[2]], keep: ['REDIS_URL=redis://:', '@cache.internal:6379/0'] },
  { name: 'SQL Server connection string', text: `"ConnectionStrings": { "Default": "Server=tcp:db.acme.io,1433;Database=app;User ID=sa;Password=${pw[3]};Encrypt=true;" }`, secrets: [pw[3]], keep: ['User ID=sa;Password=', ';Encrypt=true;'] },
  { name: 'ODBC connection string with Pwd=', text: `conn = pyodbc.connect("Driver={ODBC Driver 18 for SQL Server};Server=db;Uid=report;Pwd=${pw[4]};")`, secrets: [pw[4]], keep: ['Uid=report;Pwd=', 'Driver={ODBC Driver 18 for SQL Server}'] },
  { name: 'Password in a .env file', text: `DB_HOST=db.internal\nDB_PASSWORD=${pw[5]}\nDB_PORT=5432`, secrets: [pw[5]], keep: ['DB_HOST=db.internal', 'DB_PORT=5432'], expected: 'DB_HOST=db.internal\nDB_PASSWORD=[REDACTED:password]\nDB_PORT=5432' },
  { name: 'Password in docker-compose YAML', text: `services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: ${pw[6]}`, secrets: [pw[6]], keep: ['image: postgres:16', 'POSTGRES_USER: app', 'POSTGRES_PASSWORD: '] },
  { name: 'Password in a docker-compose env list', text: `    environment:\n      - MYSQL_ROOT_PASSWORD=${pw[7]}\n      - MYSQL_DATABASE=shop`, secrets: [pw[7]], keep: ['- MYSQL_ROOT_PASSWORD=', '- MYSQL_DATABASE=shop'] },
  { name: 'Password in JSON config', text: `{"database": {"host": "10.0.0.5", "user": "app", "password": "${pw[8]}", "pool": 10}}`, secrets: [pw[8]], keep: ['"host": "10.0.0.5"', '"pool": 10', '"password": "'], expected: `{"database": {"host": "10.0.0.5", "user": "app", "password": "[REDACTED:password]", "pool": 10}}` },
  { name: 'mysql -p with the password glued', text: `mysql -h db.internal -u root -p'${pw[9]}' shop < dump.sql`, secrets: [pw[9]], keep: ['mysql -h db.internal -u root -p', 'shop < dump.sql'] },
  { name: 'PGPASSWORD before psql', text: `PGPASSWORD=${pw[10]} psql -h db.internal -U app -d app -c 'select 1'`, secrets: [pw[10]], keep: ['PGPASSWORD=', " psql -h db.internal -U app -d app -c 'select 1'"] },
  { name: 'psql conninfo string', text: `psql "host=db.internal port=5432 user=app password=${pw[11]} dbname=app sslmode=require"`, secrets: [pw[11]], keep: ['user=app password=', ' dbname=app sslmode=require'] },
  { name: 'docker login --password', text: `docker login registry.acme.io --username ci --password ${pw[12]}`, secrets: [pw[12]], keep: ['docker login registry.acme.io --username ci --password '] },
  { name: 'Basic auth header', text: `curl -H 'Authorization: Basic ${basic}' https://jenkins.acme.io/api/json`, secrets: [basic], keep: ["curl -H 'Authorization: Basic ", "' https://jenkins.acme.io/api/json"] },
  { name: 'ClaudeTools API key as a bearer token', text: `curl -H "Authorization: Bearer ${ctKey}" http://localhost:3000/api/sessions`, secrets: [ctKey], keep: ['Authorization: Bearer ', 'http://localhost:3000/api/sessions'], expected: 'curl -H "Authorization: Bearer [REDACTED:claudetools_api_key]" http://localhost:3000/api/sessions' },
  { name: 'ClaudeTools API key in a shell profile', text: `export CLAUDETOOLS_API_KEY="${ctKey}"`, secrets: [ctKey], keep: ['export CLAUDETOOLS_API_KEY="'] },
  { name: 'OAuth client secret (high entropy) in JSON', text: `{"client_id": "dashboard", "client_secret": "${highEntropy}"}`, secrets: [highEntropy], keep: ['"client_id": "dashboard"'] },
  { name: 'Standalone high-entropy key in prose', text: `Your new signing key is ${highEntropy} - store it in the vault.`, secrets: [highEntropy], keep: ['Your new signing key is ', ' - store it in the vault.'] },
  { name: 'JWT secret in YAML', text: `auth:\n  jwt_secret: ${pw[13]}\n  ttl: 3600`, secrets: [pw[13]], keep: ['jwt_secret: ', 'ttl: 3600'] },
  { name: 'Cookie header in curl', text: `curl 'https://app.acme.io/admin' -H 'Cookie: session_id=${sessionCookie}; theme=dark'`, secrets: [sessionCookie], keep: ["curl 'https://app.acme.io/admin' -H 'Cookie: session_id=", '; theme='] },
  { name: 'API key header in Python', text: `resp = requests.get(url, headers={"X-API-Key": "${pw[14]}"}, timeout=10)`, secrets: [pw[14]], keep: ['resp = requests.get(url, headers={"X-API-Key": "', '"}, timeout=10)'] },
  { name: 'Discord webhook', text: `WEBHOOK=https://discord.com/api/webhooks/${discordHook}`, secrets: [discordHook.split('/')[1]], keep: ['https://discord.com/api/webhooks/'] },
  { name: 'Password in a URL query', text: `GET /login?user=bob&password=${pw[15]}&next=/home HTTP/1.1`, secrets: [pw[15]], keep: ['GET /login?user=bob&password=', '&next=/home HTTP/1.1'] },
  { name: 'Spring properties', text: `spring.datasource.url=jdbc:postgresql://db:5432/app\nspring.datasource.password=${pw[16]}`, secrets: [pw[16]], keep: ['spring.datasource.url=jdbc:postgresql://db:5432/app', 'spring.datasource.password='] },
  { name: 'Hard-coded password in TypeScript', text: `const client = new Client({ user: 'app', password: '${pw[17]}', host: 'db' });`, secrets: [pw[17]], keep: ["const client = new Client({ user: 'app', password: '", "', host: 'db' });"] },
  { name: 'sshpass -p', text: `sshpass -p '${pw[18]}' ssh deploy@10.0.0.7 'systemctl restart app'`, secrets: [pw[18]], keep: ["ssh deploy@10.0.0.7 'systemctl restart app'", 'sshpass -p '] },
  { name: 'redis-cli -a', text: `redis-cli -h cache.internal -a ${pw[19]} ping`, secrets: [pw[19]], keep: ['redis-cli -h cache.internal -a ', ' ping'] },
  { name: 'JSON escaped inside a log line', text: `level=info msg="login" body="{\\"user\\":\\"bob\\",\\"password\\":\\"${pw[20]}\\"}"`, secrets: [pw[20]], keep: ['level=info msg="login"', '\\"user\\":\\"bob\\"'] },
  { name: 'Password in Maven settings.xml', text: `<server>\n  <id>nexus</id>\n  <username>deployer</username>\n  <password>${pw[27]}</password>\n</server>`, secrets: [pw[27]], keep: ['<username>deployer</username>', '<password>', '</password>'] },
  { name: 'Secret assignment inline in prose', text: `The staging secret: ${pw[21]} (rotate monthly)`, secrets: [pw[21]], keep: ['The staging secret: ', ' (rotate monthly)'] },
];

/** Must come back byte-for-byte unchanged. */
const negatives: Array<[string, string]> = [
  ['git log output', `commit ${rand(HEX, 40)}\nAuthor: Jane Doe <jane@example.com>\nDate:   Mon Jan 1 12:00:00 2024 +0000\n\n    fix: reset the password for Bob when his token expires\n`],
  ['git log --oneline', `${rand(HEX, 7)} memory: token counting\n${rand(HEX, 7)} crud: afterWrite hook\n${rand(HEX, 7)} Merge branch 'main' into feature/auth`],
  ['package-lock integrity', `"node_modules/zod": {\n  "version": "3.23.8",\n  "resolved": "https://registry.npmjs.org/zod/-/zod-3.23.8.tgz",\n  "integrity": "sha512-${rand(B64, 86)}=="\n}`],
  ['yarn.lock integrity without + or /', `zod@^3.22.0:\n  version "3.23.8"\n  integrity sha512-${mixed(86)}==`],
  ['go.sum', `github.com/google/uuid v1.6.0 h1:${mixed(43)}=\ngithub.com/google/uuid v1.6.0/go.mod h1:${mixed(43)}=`],
  ['sha256sum output', `${rand(HEX, 64)}  node-v20.11.0-linux-x64.tar.xz\n${rand(HEX, 64)}  SHASUMS256.txt`],
  ['docker image digest', `docker pull ghcr.io/acme/api@sha256:${rand(HEX, 64)}`],
  ['Cargo.lock checksum', `[[package]]\nname = "serde"\nversion = "1.0.197"\nchecksum = "${rand(HEX, 64)}"`],
  ['UUIDs', `session ${uuid()} belongs to machine ${uuid().toUpperCase()}`],
  ['file paths', `/usr/local/lib/node_modules/@anthropic-ai/claude-code/cli.js\nC:\\Users\\bob\\AppData\\Roaming\\npm\\node_modules\\typescript\\lib\\tsc.js\n./src/modules/auth/tokens.ts:66:13`],
  ['URLs without credentials', 'See https://api.example.com:8443/v1/users?page=2&sort=desc#top and git@github.com:acme/infra.git or ssh://git@github.com/acme/infra.git'],
  ['password as a word in prose', 'Reset the password for Bob, then ask him to pick a new password and a new token; secrets live in Vault.'],
  ['GitHub Actions secret references', 'env:\n  DB_PASSWORD: ${{ secrets.DB_PASSWORD }}\n  API_TOKEN: ${{ secrets.API_TOKEN }}\nwith:\n  password: ${{ secrets.DB }}'],
  ['placeholder values', 'DB_PASSWORD=<your-password>\nAPI_KEY=your_api_key_here\nSECRET_KEY=changeme\nPOSTGRES_PASSWORD: example\npassword: "********"\ntoken=${GITHUB_TOKEN}\nclient_secret=%CLIENT_SECRET%\npassword='],
  ['TypeScript that handles passwords', "const password = await bcrypt.hash(input.password, 12);\nif (!user || !(await verify(user.password_hash, password))) throw AppError.unauthorized();\nconst token = jwt.sign({ sub: user.id }, config.jwtSecret);\nheaders.authorization = `Bearer ${token}`;"],
  ['TypeScript types and schemas', 'interface Login {\n  email: string;\n  password: string;\n  token?: string | null;\n}\nconst Body = z.object({ password: z.string().min(12), apiKey: z.string().optional() });'],
  ['Python that handles passwords', 'def connect(host: str, user: str, password: str):\n    return psycopg.connect(host=host, user=user, password=password)\n\npassword = os.environ["DB_PASSWORD"]\ntoken = request.headers.get("Authorization")'],
  ['config references', "module.exports = {\n  password: process.env.DB_PASSWORD,\n  secret: config.session.secret,\n  token: env.GITHUB_TOKEN,\n  max_tokens: 4096,\n  tokenizer: 'cl100k_base',\n  token_count: 1234,\n};"],
  ['base64 of short data and CSS', 'echo aGVsbG8gd29ybGQ= | base64 -d\n.button { color: #ff00ff; background: #1e1e1e; border: 1px solid #abc; }'],
  ['semver, IPs and MACs', 'upgraded zod 3.22.4 -> 3.23.8-beta.1+build.20240501; host 192.168.10.24, gw fe80::1ff:fe23:4567:890a, mac 00:1A:2B:3C:4D:5E'],
  ['long camelCase identifiers', 'getUserProfileSettingsByAccountId2FromCache(accountId);\nclass ReactDOMServerReadableStream2024Polyfill extends Base {}'],
  ['compose secrets file and --password-stdin', 'POSTGRES_PASSWORD_FILE: /run/secrets/db_password\necho "$CR_PAT" | docker login ghcr.io -u acme --password-stdin\ndocker run -u 1000:1000 --rm alpine id'],
  ['SQL with a bind parameter', 'UPDATE users SET password_hash = $1, updated_at = now() WHERE id = $2;\nSELECT * FROM api_keys WHERE prefix = :prefix;'],
  ['stack trace without secrets', "Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1595:16)\n    at Object.<anonymous> (/app/src/db/index.ts:12:5)"],
  ['kebab words starting with sk-', 'npm i sk-learn-contrib-adapter-helpers-utils && task-runner-config-loader-v2-final'],
  ['CLI help text', 'Use --password to pass the password, or --token with care. The --api-key flag is deprecated.'],
  ['PWD is the working directory', 'PWD=/home/bob/projects/api\nOLDPWD=/home/bob'],
  ['prose after password:', 'Password: reset it via the admin portal.\nToken: rotated every 90 days.'],
  // Lines without + or / would pass for random keys on their own: the block around them says they are public.
  ['certificates are public', `-----BEGIN CERTIFICATE-----\n${mixed(64)}\n${mixed(64)}\n${mixed(40)}==\n-----END CERTIFICATE-----`],
  ['a JSON-escaped certificate', `{"ca": "-----BEGIN CERTIFICATE-----\\n${mixed(64)}\\n${mixed(36)}=\\n-----END CERTIFICATE-----\\n"}`],
  ['SSH public keys', `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${mixed(43)} bob@laptop\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ${mixed(120)} ci@runner`],
];

describe('redactSecrets: positives', () => {
  it('has a corpus of at least 40 secrets in realistic lines', () => {
    expect(positives.length).toBeGreaterThanOrEqual(40);
  });

  it.each(positives.map((p) => [p.name, p] as const))('%s', (_name, p) => {
    const out = redactSecrets(p.text);
    for (const s of p.secrets) expect(out).not.toContain(s);
    for (const k of p.keep) expect(out).toContain(k);
    expect(out).toMatch(/\[REDACTED:[a-z0-9_]+\]/);
    if (p.expected !== undefined) expect(out).toBe(p.expected);
    expect(containsSecret(p.text)).toBe(true);
    expect(containsSecret(out)).toBe(false);
  });

  it('types the placeholders', () => {
    expect(redactSecrets(`key ${ghp}`)).toBe('key [REDACTED:github_token]');
    expect(redactSecrets(`export ANTHROPIC_API_KEY=${anthropic}`)).toBe('export ANTHROPIC_API_KEY=[REDACTED:anthropic_api_key]');
    expect(redactSecrets(`password=${pw[22]}`)).toBe('password=[REDACTED:password]');
    expect(redactSecrets(`postgres://app:${pw[23]}@db:5432/x`)).toBe('postgres://app:[REDACTED:password]@db:5432/x');
    expect(redactSecrets(`mysql -uroot -p${pw[24]} shop`)).toBe('mysql -uroot -p[REDACTED:password] shop');
    expect(redactSecrets(`Authorization: Bearer ${mixed(40)}`)).toBe('Authorization: Bearer [REDACTED:bearer_token]');
  });
});

describe('redactSecrets: negatives', () => {
  it('has at least 20 negatives', () => {
    expect(negatives.length).toBeGreaterThanOrEqual(20);
  });

  it.each(negatives)('%s is left unchanged', (_name, text) => {
    expect(redactSecrets(text)).toBe(text);
    expect(containsSecret(text)).toBe(false);
  });
});

describe('<private> blocks', () => {
  it('drops the block and keeps the rest', () => {
    expect(redactSecrets('before <private>my salary is 100k</private> after')).toBe('before  after');
  });

  it('is case-insensitive and spans lines', () => {
    expect(redactSecrets('a\n<PRIVATE>\nline 1\nline 2\n</Private>\nb')).toBe('a\n\nb');
  });

  it('drops every block, and nested blocks whole', () => {
    expect(redactSecrets('1<private>x</private>2<private>y</private>3')).toBe('123');
    expect(redactSecrets('a<private>b<private>c</private>d</private>e')).toBe('ae');
  });

  it('drops an unclosed block to the end of the text', () => {
    expect(redactSecrets('keep this <private>but not\nany of this')).toBe('keep this ');
  });

  it('drops a stray closing tag', () => {
    expect(redactSecrets('done</private> here')).toBe('done here');
  });

  it('redacts secrets outside the block as usual', () => {
    expect(redactSecrets(`<private>notes</private>GITHUB_TOKEN=${ghp}`)).toBe('GITHUB_TOKEN=[REDACTED:github_token]');
  });

  it('a private block alone is not a secret for containsSecret', () => {
    expect(containsSecret('<private>dentist on friday</private>')).toBe(false);
    expect(containsSecret(`<private>${ghp}</private>`)).toBe(true);
  });
});

describe('redactDeep', () => {
  it('redacts every string in nested JSON and whole values of secret-named keys', () => {
    const input = {
      name: 'deploy',
      retries: 3,
      enabled: true,
      nothing: null,
      password: 'hunter2hunter2',
      headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k1', Accept: 'application/json' },
      env: [`GITHUB_TOKEN=${ghp}`, 'NODE_ENV=production'],
      nested: { deeper: [{ note: `db at postgres://app:${pw[25]}@db:5432/app`, client_secret: ['a1b2c3d4', { value: 'zzzz9999' }] }] },
      db: { apiKey: 'plain-but-secret-key', api_keys_count: 2, token_count: 10, max_tokens: 4096, private_key_id: 'abc123' },
      ref: { password: '${{ secrets.DB }}', token: '' },
    };
    const out = redactDeep(input);
    expect(out).toEqual({
      name: 'deploy',
      retries: 3,
      enabled: true,
      nothing: null,
      password: '[REDACTED:password]',
      headers: { Authorization: '[REDACTED:authorization]', 'X-Api-Key': '[REDACTED:api_key]', Accept: 'application/json' },
      env: ['GITHUB_TOKEN=[REDACTED:github_token]', 'NODE_ENV=production'],
      nested: { deeper: [{ note: 'db at postgres://app:[REDACTED:password]@db:5432/app', client_secret: ['[REDACTED:secret]', { value: '[REDACTED:secret]' }] }] },
      db: { apiKey: '[REDACTED:api_key]', api_keys_count: 2, token_count: 10, max_tokens: 4096, private_key_id: 'abc123' },
      ref: { password: '${{ secrets.DB }}', token: '' },
    });
    // The input is not mutated.
    expect(input.password).toBe('hunter2hunter2');
    expect(input.env[0]).toContain(ghp);
  });

  it('handles primitives and top-level arrays', () => {
    expect(redactDeep(`token ${ghp}`)).toBe('token [REDACTED:github_token]');
    expect(redactDeep(42)).toBe(42);
    expect(redactDeep(null)).toBe(null);
    expect(redactDeep([ghp, 'ok'])).toEqual(['[REDACTED:github_token]', 'ok']);
  });

  it('redacts secrets in object keys too', () => {
    expect(redactDeep({ [`postgres://app:${pw[26]}@db/x`]: 1 })).toEqual({ 'postgres://app:[REDACTED:password]@db/x': 1 });
  });
});

describe('idempotence and placeholders', () => {
  const everything = [...positives.map((p) => p.text), ...negatives.map(([, t]) => t)];

  it('redacting twice equals redacting once', () => {
    for (const text of everything) {
      const once = redactSecrets(text);
      expect(redactSecrets(once)).toBe(once);
    }
    const all = everything.join('\n\n');
    const once = redactSecrets(all);
    expect(redactSecrets(once)).toBe(once);
  });

  it('a placeholder never looks like a secret, alone or as a value', () => {
    const types = new Set<string>();
    for (const text of everything) for (const m of redactSecrets(text).matchAll(/\[REDACTED:([a-z0-9_]+)\]/g)) types.add(m[1]);
    expect(types.size).toBeGreaterThanOrEqual(25);
    for (const type of types) {
      const p = `[REDACTED:${type}]`;
      for (const ctx of [p, `password=${p}`, `PASSWORD=${p}`, `"token": "${p}"`, `secret: ${p}`, `Authorization: Bearer ${p}`, `postgres://u:${p}@h:5432/db`, `Server=x;Password=${p};`, `mysql -p${p}`, `--password ${p}`, `curl -u bob:${p} x`, `Cookie: a=${p}`]) {
        expect(containsSecret(ctx), ctx).toBe(false);
        expect(redactSecrets(ctx)).toBe(ctx);
      }
    }
  });
});

describe('adversarial input', () => {
  const MB = 1 << 20;
  const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const inputs: Array<[string, string]> = [
    ['one long token-like run', fill('a')],
    ['repeated URL openings without @', fill('a://a:')],
    ['repeated private key headers without END', fill('-----BEGIN RSA PRIVATE KEY-----\n#')],
    ['repeated <private without >', fill('<private ')],
    ['repeated assignments', fill('password=password=')],
    ['repeated JWT starts', fill('eyJ.eyJ.')],
    ['repeated token prefixes', fill('ghp_sk-xoxb-AKIA')],
    ['repeated flags', fill('--a-password --')],
    ['repeated mysql without -p', fill('mysql -')],
    ['repeated quotes after a key', fill('"password": "\\')],
    ['repeated bearer', fill('Authorization: Bearer ')],
    ['repeated public PEM headers around random lines', fill(`-----BEGIN CERTIFICATE-----\n${mixed(40)}\n`)],
    ['repeated cookie headers', fill('Cookie: a')],
    ['random base64', rand(B64 + ' \n=:;@/', MB)],
  ];

  it.each(inputs)('%s completes', (_name, text) => {
    const out = redactSecrets(text);
    expect(typeof out).toBe('string');
    expect(typeof containsSecret(text)).toBe('boolean');
  });
});
