import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const BackupLog = defineEntity({
  name: 'backup log', plural: 'backup logs', table: 'backup_logs',
  fields: {
    backup_type: f.enum(['daily', 'weekly', 'monthly', 'manual', 'pre_migration']),
    path: f.text({ max: 1000, min: 1 }),
    size_bytes: f.number({ min: 0, max: 1e15 }).optional(),
    sha256: f.text({ max: 64, pattern: /^[0-9a-f]{64}$/ }).optional(),
    dialect: f.enum(['sqlite', 'mysql', 'postgres']).optional(),
    schema_version: f.text({ max: 100 }).optional(),
    started_at: f.timestamp(),
    completed_at: f.timestamp().optional(),
    status: f.enum(['in_progress', 'success', 'failed']).default('in_progress'),
    verified_at: f.timestamp().optional(),
    error: f.text({ max: 4000 }).optional(),
  },
  list: { filter: ['backup_type', 'status', 'dialect'], search: ['path'], sort: ['started_at', 'completed_at', 'created_at'], defaultSort: '-started_at' },
  access: { read: 'admin', write: 'admin' },
  ordered: [['started_at', 'completed_at'], ['completed_at', 'verified_at']],
});
