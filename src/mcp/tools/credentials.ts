import { z } from 'zod';
import { clip } from '../../memory/clip.js';
import { parseInput } from '../../entities/crud-service.js';
import { CredentialListQuery } from '../../modules/vault/entity.js';
import type { McpEnv } from '../env.js';
import { ClientHandle } from '../handles.js';
import { renderIndex } from '../output.js';
import { tool } from '../tool.js';
import { pageInput } from './lists.js';

type Row = Record<string, unknown>;

/** Which secrets a credential holds, from the metadata flags (never the secrets). */
const held = (c: Row) => Object.entries(c).filter(([k, v]) => k.startsWith('has_') && v === true).map(([k]) => k.slice(4)).join('+') || 'no secrets';

/**
 * Credentials as metadata only: the vault's list (client scope and per-credential grants apply, and
 * nothing is decrypted). Revealing a secret is a separate tool an admin enables per API key.
 */
export const findCredential = tool({
  name: 'find_credential',
  title: 'Find a credential (metadata only)',
  description: 'Credentials matching text (service name, username, URL) and filters, one line each: service, type, username, URL, '
    + 'which secrets it holds, expiry and id. Never returns a secret. Use it to tell the user which credential to open in the vault.',
  input: z.strictObject({
    q: z.string().trim().min(1).max(200).optional().describe('Text in the service name, username or URL'),
    client: ClientHandle.optional().describe('Only this client\'s credentials: its short code or id'),
    credential_type: CredentialListQuery.shape.credential_type,
    expires_before: z.iso.datetime({ offset: true }).optional().describe('Only credentials that expire before this time (ISO 8601)'),
    ...pageInput(20, 50),
  }),
  effect: 'read',
  async run({ client, ...query }, env: McpEnv) {
    const clientId = await env.handles.clientId(client);
    const defined = Object.fromEntries(Object.entries({ ...query, client_id: clientId }).filter(([, v]) => v !== undefined));
    const page = await env.services.vault.credentials.list(env.ctx, parseInput(CredentialListQuery, defined));
    const lines = page.items.map((c: Row) => `- ${[c.service_name, c.credential_type, c.username && `user ${c.username}`, c.url && clip(String(c.url), 80),
      held(c), c.expires_at && `expires ${String(c.expires_at).slice(0, 10)}`, c.id].filter(Boolean).join(' · ')}`);
    return renderIndex('Credentials (service · type · user · url · secrets held · expiry · id), metadata only:', { lines, offset: page.offset, total: page.total }, 'No credentials match.');
  },
});

/**
 * The reveal tool: only offered to an API key an admin gave the `mcp_reveal` scope (see buildMcpServer),
 * destructive-annotated so clients confirm each call, a reason always required, and audited like any
 * reveal through the vault's own service (grants, client scope and the credential audit log apply).
 */
export const revealCredential = tool({
  name: 'reveal_credential',
  title: 'Reveal a credential\'s secrets (audited)',
  description: 'Decrypts one credential (by id from find_credential) and returns its secrets. Every call is recorded in the '
    + 'credential audit log with your reason; only use it when the user asked you to sign in or configure something with it.',
  input: z.strictObject({
    id: z.uuid().describe('The credential id (from find_credential)'),
    reason: z.string().trim().min(3).max(500).describe('Why the secret is needed now, e.g. the ticket or task; recorded in the audit log'),
    version: z.int().min(1).optional().describe('An earlier secret version; default the current one'),
  }),
  effect: 'disclose',
  async run({ id, reason, version }, env: McpEnv) {
    const { secrets, version: shown } = await env.services.vault.credentials.reveal(env.ctx, id, { reason, version });
    const lines = Object.entries(secrets).map(([field, value]) => `${field}: ${value}`);
    return [`Credential ${id}, secret version ${shown} (this reveal is in the audit log):`, ...(lines.length ? lines : ['(no secrets set)'])].join('\n');
  },
});

export const credentialTools = [findCredential];

