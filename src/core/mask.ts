/**
 * Field names that hold secrets. Their values are replaced by MASK wherever data leaves for a
 * log or an audit row; one list so the logger and the audit diff cannot disagree.
 */
export const SECRET_FIELD = /(pass(word)?|secret|token|api_?key|key_hash|private_key|totp|connection_string|authorization|cookie)/i;
export const MASK = '***';

export function maskSecrets(value: unknown, extraSecretFields: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, extraSecretFields));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_FIELD.test(k) || extraSecretFields.includes(k) ? (v == null ? v : MASK) : maskSecrets(v, extraSecretFields);
  }
  return out;
}

/** Paths for pino's `redact`, covering the same names at the depths our logs use. */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]',
  ...['password', 'new_password', 'current_password', 'password_hash', 'access_token', 'refresh_token', 'token', 'key', 'api_key', 'secret', 'key_hash',
    'client_secret', 'connection_string', 'private_key', 'totp_secret', 'secret_notes', 'secrets']
    .flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];
