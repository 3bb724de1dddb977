import { randomBytes } from 'node:crypto';
import type { TestApp } from '../support/app.js';

const rand = () => randomBytes(6).toString('hex');

/** App settings for tests that build a second app on a test database. */
export const testSettings = { accessTokenTtl: 900, refreshTokenTtl: 86_400, bodyLimit: 1 << 20, trustProxy: false, auth: { maxFailures: 5, lockoutSeconds: 60, rateLimitPerMinute: 100 } };

/** A credential body with a distinctive value in every secret field, so a leak of any one is findable. */
export function credentialBody(o: Record<string, unknown> = {}) {
  const tag = rand();
  return {
    service_name: `Acme admin ${tag}`, credential_type: 'password', username: `admin-${tag}`, url: `https://fw-${tag}.acme.test:8443/`,
    password: `PLANTED-pw-${tag}`, api_key: `PLANTED-ak-${tag}`, client_secret: `PLANTED-cs-${tag}`, token: `PLANTED-tk-${tag}`,
    connection_string: `Server=db;Password=PLANTED-cn-${tag}`, private_key: `-----BEGIN KEY-----PLANTED-pk-${tag}`,
    totp_secret: 'JBSWY3DPEHPK3PXP', secret_notes: `PLANTED-sn-${tag}`,
    ...o,
  };
}

/** Every plaintext secret of a body, for planted-secret scans. */
export const plantedValues = (body: Record<string, unknown>) =>
  Object.entries(body).filter(([k, v]) => typeof v === 'string' && v.includes('PLANTED') && k !== 'service_name').map(([, v]) => String(v).replace(/^.*?(PLANTED-\w+-\w+)$/, '$1'));

export function api(t: () => TestApp) {
  return {
    create: (body: Record<string, unknown>, headers: Record<string, string> = t().adminHeaders) => t().app.inject({ method: 'POST', url: '/api/credentials', headers, payload: body }),
    reveal: (id: string, body: Record<string, unknown> = {}, headers: Record<string, string> = t().adminHeaders) => t().app.inject({ method: 'POST', url: `/api/credentials/${id}/reveal`, headers, payload: body }),
    get: (url: string, headers: Record<string, string> = t().adminHeaders) => t().app.inject({ method: 'GET', url, headers }),
    patch: (id: string, body: Record<string, unknown>, headers: Record<string, string> = t().adminHeaders) => t().app.inject({ method: 'PATCH', url: `/api/credentials/${id}`, headers, payload: body }),
    del: (url: string, headers: Record<string, string> = t().adminHeaders) => t().app.inject({ method: 'DELETE', url, headers }),
    put: (url: string, body: Record<string, unknown>, headers: Record<string, string> = t().adminHeaders) => t().app.inject({ method: 'PUT', url, headers, payload: body }),
  };
}

/** The credential audit rows of one credential, oldest first. */
export const auditRowsOf = (t: TestApp, credentialId: string) =>
  t.db.selectFrom('credential_audit_logs').selectAll().where('credential_id', '=', credentialId).orderBy('seq').execute();
