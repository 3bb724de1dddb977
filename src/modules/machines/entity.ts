import { z } from 'zod';
import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

/** A computer Claude Code runs on; hooks and API keys are tied to one. */
export const Machine = defineEntity({
  name: 'machine', plural: 'machines', table: 'machines',
  fields: {
    hostname: f.text({ max: 255, min: 1 }).describe('Host name as the machine reports it'),
    friendly_name: f.text({ max: 200 }).optional().describe('A name people use for it'),
    platform: f.enum(['linux', 'macos', 'windows']).optional(),
    os_version: f.text({ max: 100 }).optional(),
    username: f.text({ max: 100 }).optional().describe('The OS user that runs Claude Code'),
    home_dir: f.text({ max: 500 }).optional(),
    capabilities: f.json(z.record(z.string().max(100), z.union([z.boolean(), z.string().max(200)]))).optional()
      .describe('Tools found on the machine, e.g. {"git": "2.39", "docker": true}'),
    claude_code_version: f.text({ max: 50 }).optional(),
    last_seen_at: f.timestamp().optional(),
    is_active: f.bool().default(true),
    notes: f.longText(10_000).optional(),
  },
  list: {
    filter: ['platform', 'is_active', 'hostname'],
    search: ['hostname', 'friendly_name', 'username'],
    sort: ['hostname', 'friendly_name', 'last_seen_at', 'created_at'],
    defaultSort: 'hostname',
  },
  unique: [['hostname', 'username']],
});
