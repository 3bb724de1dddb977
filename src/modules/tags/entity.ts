import { defineEntity } from '../../entities/define-entity.js';
import { f } from '../../entities/fields.js';

export const TAG_NAME = /^[a-z0-9][a-z0-9._+#-]*$/;

export const Tag = defineEntity({
  name: 'tag', plural: 'tags', table: 'tags',
  fields: {
    name: f.text({ max: 60, min: 1, lowercase: true, pattern: TAG_NAME }).describe('Lowercase tag name, e.g. "postgres"; unique'),
    category: f.enum(['technology', 'client', 'infrastructure', 'problem', 'action', 'other']).default('other'),
    description: f.text({ max: 500 }).optional(),
    usage_count: f.int({ min: 0 }).default(0).readOnly(),
  },
  list: { filter: ['category', 'name'], search: ['name', 'description'], sort: ['name', 'usage_count', 'created_at'], defaultSort: 'name' },
  unique: [['name']],
});
