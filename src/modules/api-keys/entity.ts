import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

/**
 * `read` and `write` as everywhere; `reveal` lets the key decrypt credentials (reveal, TOTP codes). A key with
 * scopes but without `reveal` stops at credential metadata; a key without scopes has its user's full rights.
 * `mcp_reveal` (only an admin grants it; it includes `reveal`) also offers the reveal tool over MCP, which
 * is off for every other key, full-rights ones included.
 */
export const API_KEY_SCOPES = ['read', 'write', 'reveal', 'mcp_reveal'] as const;

/** API keys for machines, hooks and MCP. The secret is shown once at creation; only its hash is kept. */
export const ApiKey = defineEntity({
  name: 'API key', plural: 'API keys', table: 'api_keys', path: 'api-keys',
  fields: {
    user_id: f.ref('users', { onDelete: 'cascade' }).readOnly().describe('The user the key acts as'),
    machine_id: f.ref('machines', { onDelete: 'set null' }).optional().describe('The machine the key belongs to'),
    name: f.text({ max: 200, min: 1 }).describe('What the key is for, e.g. "laptop hooks"'),
    prefix: f.text({ max: 32 }).readOnly().describe('The key id: the part after ct_, safe to show'),
    key_hash: f.text({ max: 128 }).hidden().readOnly(),
    scopes: f.json(z.array(z.enum(API_KEY_SCOPES)).min(1)).optional()
      .describe('Narrower rights than the user\'s: ["read"] makes a read-only key; add "reveal" to let it reveal credentials and TOTP codes (without it, credential metadata only); null means the user\'s full rights'),
    last_used_at: f.timestamp().optional().readOnly(),
    expires_at: f.timestamp().optional().immutable().describe('After this time the key is refused'),
    revoked_at: f.timestamp().optional().readOnly(),
  },
  list: { filter: ['user_id', 'machine_id'], search: ['name'], sort: ['name', 'created_at', 'last_used_at'] },
});
