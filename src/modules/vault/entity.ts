import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

/** Every secret field a credential may hold; each is stored encrypted in `<field>_enc`, never in plain text. */
export const SECRET_FIELDS = ['password', 'api_key', 'client_secret', 'token', 'connection_string', 'private_key', 'totp_secret', 'secret_notes'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

const SECRET_MAX: Record<SecretField, number> = {
  password: 4096, api_key: 8192, client_secret: 8192, token: 16_384, connection_string: 8192, private_key: 65_536, totp_secret: 2048, secret_notes: 20_000,
};

export const encColumn = (field: SecretField) => `${field}_enc`;
/** The metadata flag that says a secret is set without showing it (`has_totp` for totp_secret). */
export const hasFlag = (field: SecretField) => (field === 'totp_secret' ? 'has_totp' : `has_${field}`);

/**
 * A credential's metadata: everything list, get and search return. The secrets are not entity fields,
 * so the generic codecs and response schemas can never carry them.
 */
export const Credential = defineEntity({
  name: 'credential', plural: 'credentials', table: 'credentials',
  fields: {
    client_id: f.ref('clients', { onDelete: 'restrict' }).optional().immutable()
      .describe('The client it belongs to (null: a global credential); a client holding credentials cannot be deleted. Fixed at creation: the secrets are encrypted under this client\'s key'),
    service_id: f.ref('services', { onDelete: 'set null' }).optional(),
    infrastructure_id: f.ref('infrastructure', { onDelete: 'set null' }).optional(),
    credential_type: f.enum(['password', 'api_key', 'oauth_client', 'ssh_key', 'certificate', 'connection_string', 'token', 'other']).default('password'),
    service_name: f.text({ max: 200, min: 1 }).describe('What it opens, e.g. "Acme M365 admin"; searchable'),
    username: f.text({ max: 255 }).optional(),
    oauth_client_id: f.text({ max: 255 }).optional(),
    url: f.text({ max: 2000 }).optional(),
    port: f.port().optional(),
    requires_vpn: f.bool().default(false),
    requires_2fa: f.bool().default(false),
    expires_at: f.timestamp().optional(),
    last_rotated_at: f.timestamp().optional().readOnly().describe('When a secret last changed'),
    is_active: f.bool().default(true),
    restricted: f.bool().default(false)
      .describe('When true, only admins and users with a per-credential grant see it; otherwise role and client scope decide'),
    notes: f.longText(20_000).optional().describe('Plain notes; put secrets in secret_notes, which is encrypted'),
    secret_version: f.int().default(1).readOnly().describe('Increases each time a secret changes; earlier versions stay revealable'),
  },
  list: {
    filter: ['client_id', 'service_id', 'infrastructure_id', 'credential_type', 'service_name', 'username', 'is_active', 'restricted'],
    search: ['service_name', 'username', 'url'],
    sort: ['service_name', 'username', 'credential_type', 'expires_at', 'last_rotated_at', 'created_at', 'updated_at'],
    defaultSort: 'service_name',
  },
  clientScope: 'client_id',
});

const secretInputs = (nullable: boolean) => Object.fromEntries(SECRET_FIELDS.map((k) => {
  const s = z.string().min(1).max(SECRET_MAX[k]).describe(`Secret (stored encrypted)${nullable ? '; null clears it' : ''}`);
  return [k, nullable ? s.nullable().optional() : s.optional()];
})) as Record<SecretField, z.ZodOptional<z.ZodString>>;

export const CredentialCreate = Credential.schemas.create.extend(secretInputs(false));
export const CredentialUpdate = Credential.schemas.update.extend(secretInputs(true));

/** What list, get and every write answer: metadata and `has_*` flags, never a secret. */
export const CredentialMeta = Credential.schemas.row.extend(
  Object.fromEntries(SECRET_FIELDS.map((k) => [hasFlag(k), z.boolean()])) as Record<string, z.ZodBoolean>,
);

export const CredentialListQuery = Credential.schemas.listQuery.extend({
  expires_before: z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString()).optional()
    .describe('Only credentials that expire before this time'),
});

/** Why a secret is revealed (reveal body, TOTP query); recorded in the credential audit log. */
export const RevealReason = z.string().trim().min(1).max(500).optional().describe('Why you need it; recorded in the credential audit log');

export const RevealBody = z.strictObject({
  reason: RevealReason,
  version: z.number().int().min(1).optional().describe('An earlier secret version (see /versions); default the current one'),
}).nullish();

export const Revealed = z.object({
  id: z.string(), version: z.number().int(),
  secrets: z.object(Object.fromEntries(SECRET_FIELDS.map((k) => [k, z.string().optional()]))).describe('Only the secrets that are set'),
});
