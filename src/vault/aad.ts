/** The client bucket for credentials that belong to no client. */
export const GLOBAL_SCOPE = 'global';

/**
 * What a credential field's ciphertext is bound to: `credential|<client_id>|<credential_id>|<field>|<kid>|v<version>`.
 * A ciphertext copied to another row, field, client or secret version (an old version's swapped into the current
 * row), or relabelled with another key id, fails to open.
 */
export const credentialAad = (clientId: string | null, credentialId: string, field: string, kid: string, version: number): string =>
  `credential|${clientId ?? GLOBAL_SCOPE}|${credentialId}|${field}|${kid}|v${version}`;

/** What a wrapped data key is bound to: its scope, version and id, under one master key. */
export const dataKeyAad = (scope: string, version: number, kid: string): string => `dek|${scope}|${version}|${kid}`;
