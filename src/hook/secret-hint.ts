/**
 * Whether `text` may hold something memory/redact.ts would change: false only when no pass of redactSecrets
 * can match, so the prompt hook sends plain prose as it is without loading the redactor (~2 ms at a
 * process start: compiling redact.ts and its regexes). A cheap necessary condition, not a detector: true
 * for anything with a character, a word or a token-like run the passes need. Why each pass needs one:
 *
 *  - `<private>` blocks, XML elements: `<`.
 *  - PEM private keys: the word `key`.
 *  - Token shapes: each is one run of `[A-Za-z0-9_.-]` of 11+ characters holding an uppercase letter, a
 *    digit, `_`, `-` or `.` (AKIA…, ghp_…, glpat-…, xoxb-…, sk-…, ya29.…, eyJ….eyJ…, key-…, ct_…), or
 *    needs `:` (webhook URLs), `=` (Azure AccountKey=, sig=) or the word `whsec` (whose body may hold `+`
 *    and `/`).
 *  - URL credentials: `:`. HTTP auth and cookies: `authorization`, `bearer` (a bare bearer token may hold
 *    `/` and `+`), `cookie`, or `=` in a curl -b value.
 *  - Connection strings: `;`.
 *  - Command lines: a flag or tool naming the secret (`--password`, `--token`, `--api-key`,
 *    `--client-secret`, sshpass, `pass:`, .netrc `password`), the mysql/mariadb and redis-cli commands, or
 *    `:` (curl -u user:pass).
 *  - Assignments: a key word (pass, secret, token, key, _auth, cookie) and `:` or `=`.
 *  - High-entropy strings: a run of 32+ such characters with upper, lower and digits.
 *
 * So paths (`src/hook/main.ts`), e-mail addresses, `+` and `%` alone do not count. A new pass or token
 * shape in redact.ts must keep to this or extend it: test/hook/secret-hint.test.ts
 * lists the passes and shapes it was checked against and fails when redact.ts has others.
 */
const SPECIAL = /[<>:=;\\]/;
/** A run of 11+ token characters (not inside a longer run) with anything but a lowercase letter in it. */
const TOKEN_RUN = /(?<![A-Za-z0-9_.-])(?=[A-Za-z0-9_.-]{11})[a-z]*[A-Z0-9_.-]/;
const WORDS = /pass|secret|token|key|auth|cookie|bearer|whsec|mysql|mariadb|redis/;

export function mayHoldSecret(text: string): boolean {
  return SPECIAL.test(text) || TOKEN_RUN.test(text) || WORDS.test(text.toLowerCase());
}
