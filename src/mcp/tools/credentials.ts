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

export const credentialTools = [findCredential];
