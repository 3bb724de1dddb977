/**
 * Drafts a frozen migration from entity declarations: `npm run migration:draft -- <table> [...]`.
 * The output is a starting point a person reviews and commits; migrations never import entities,
 * so a later change to an entity never rewrites history.
 */
import '../src/modules/all-entities.js';
import { entityByTable } from '../src/entities/define-entity.js';
import type { Storage } from '../src/entities/fields.js';

const column = (s: Storage): string => {
  switch (s.type) {
    case 'varchar': return `t.string(${s.length})`;
    case 'text': return 't.text(db)';
    case 'json': return 't.json(db)';
    case 'id': return 't.id';
    case 'timestamp': return 't.timestamp';
    case 'integer': return 't.int';
    case 'bigint': return 't.bigint';
    case 'double': return 't.double';
    case 'decimal': return 't.decimal';
    case 'bool': return 't.bool';
  }
};
const indexable = (s: Storage) => s.type !== 'text' && s.type !== 'json' && !(s.type === 'varchar' && s.length > 255);

for (const table of process.argv.slice(2)) {
  const e = entityByTable(table);
  if (!e) throw new Error(`no entity declares table ${table}`);
  const lines: string[] = [];
  lines.push(`  await db.schema.createTable('${table}')`);
  lines.push(`    .addColumn('id', t.id, (c) => c.primaryKey())`);
  for (const [name, field] of Object.entries(e.fields)) {
    const s = field.spec;
    const mods: string[] = [];
    if (!s.nullable) mods.push('c.notNull()');
    if (s.hasDefault && (s.storage.type === 'bool' || s.storage.type === 'integer')) {
      mods.push(`defaultTo(${s.storage.type === 'bool' ? (s.defaultValue ? 1 : 0) : s.defaultValue})`);
    }
    if (s.ref) mods.push(`references('${s.ref.table}.id').onDelete('${s.ref.onDelete}')`);
    const chain = mods.length ? `, (c) => ${mods[0].startsWith('c.') ? '' : 'c.'}${mods.join('.')}` : '';
    lines.push(`    .addColumn('${name}', ${column(s.storage)}${chain})`);
  }
  lines.push(`    .addColumn('created_at', t.timestamp, (c) => c.notNull())`);
  lines.push(`    .addColumn('updated_at', t.timestamp, (c) => c.notNull())`);
  // MariaDB caps identifiers at 64 characters.
  const constraintName = (cols: string[]) => { const n = `${table}_${cols.join('_')}_key`; return n.length <= 64 ? n : `${table}_${cols.length}col_key`; };
  for (const cols of e.unique) lines.push(`    .addUniqueConstraint('${constraintName(cols)}', [${cols.map((c) => `'${c}'`).join(', ')}])`);
  lines.push('    .execute();');
  const indexed = new Set<string>(e.unique.map((u) => u[0]));
  const wanted = [...e.refs.map((r) => r.field), ...e.list.filter, ...e.list.sort.filter((s) => s !== 'created_at' && s !== 'updated_at')];
  for (const col of [...new Set(wanted), 'created_at']) {
    const storage = col === 'created_at' ? ({ type: 'timestamp' } as Storage) : e.fields[col]?.spec.storage;
    if (!storage || indexed.has(col) || !indexable(storage)) continue;
    indexed.add(col);
    lines.push(`  await db.schema.createIndex('${table}_${col}_idx').on('${table}').column('${col}').execute();`);
  }
  console.log(`// ${table}\n${lines.join('\n')}\n`);
}
