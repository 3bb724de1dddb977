import { credentialAad } from '../../vault/aad.js';
import { DecryptError, open, seal } from '../../vault/aead.js';
import { AppError } from '../../core/errors.js';
import { encColumn, SECRET_FIELDS, type SecretField } from './entity.js';

export type Secrets = Partial<Record<SecretField, string | null>>;

export interface SecretPlace {
  client_id: string | null;
  credential_id: string;
  /** The secret version the values belong to (a credential's secret_version, a version row's version). */
  version: number;
}

/** Where a stored row's secrets live: the credential's client and id, and the version of `source` (the row itself or a version row). */
export function placeOf(credential: Record<string, unknown>, source: Record<string, unknown> = credential): SecretPlace {
  const version = Number(source.version ?? source.secret_version);
  if (!Number.isInteger(version) || version < 1) throw new Error(`no secret version for credential ${String(credential.id)}`);
  return { client_id: (credential.client_id as string | null) ?? null, credential_id: String(credential.id), version };
}

/** Encrypts the given secrets into their `<field>_enc` columns (null clears a column). */
export function sealSecrets(key: Buffer, kid: string, place: SecretPlace, secrets: Secrets): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const field of SECRET_FIELDS) {
    const value = secrets[field];
    if (value === undefined) continue;
    out[encColumn(field)] = value === null ? null : seal(key, kid, value, credentialAad(place.client_id, place.credential_id, field, kid, place.version));
  }
  return out;
}

/**
 * Decrypts every set `<field>_enc` column of a stored row (a credential or one of its versions).
 * All or nothing: one field that fails to open fails the whole call with an error naming the field, not the value.
 */
export function openSecrets(key: Buffer, kid: string, place: SecretPlace, row: Record<string, unknown>): Partial<Record<SecretField, string>> {
  const out: Partial<Record<SecretField, string>> = {};
  for (const field of SECRET_FIELDS) {
    const stored = row[encColumn(field)];
    if (stored == null) continue;
    try {
      out[field] = open(key, String(stored), credentialAad(place.client_id, place.credential_id, field, kid, place.version));
    } catch (e) {
      if (e instanceof DecryptError) {
        throw new AppError(500, 'decrypt_failed', `The ${field} of credential ${place.credential_id} cannot be decrypted: ${e.message}`);
      }
      throw e;
    }
  }
  return out;
}

/** The stored envelopes of a row, for copying into a version row. */
export const encryptedColumns = (row: Record<string, unknown>) =>
  Object.fromEntries(SECRET_FIELDS.map((f) => [encColumn(f), (row[encColumn(f)] as string | null) ?? null]));
