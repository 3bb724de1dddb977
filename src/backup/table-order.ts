import type { TableInfo } from './introspect.js';

/**
 * The order to insert tables so every foreign key points at rows already there: parents first.
 * Edges that cannot be satisfied by ordering (a table referencing itself, like tasks.parent_task_id,
 * or a cycle between tables) are not ordered; `deferredColumns` names them so the loader inserts
 * them null and fills them in once every table is loaded. Pure; ties broken by name for stable files.
 */
export function insertOrder(tables: Pick<TableInfo, 'name' | 'foreignKeys'>[]): string[] {
  const names = new Set(tables.map((t) => t.name));
  const deps = new Map(tables.map((t) => [t.name, new Set(t.foreignKeys.map((f) => f.references).filter((r) => r !== t.name && names.has(r)))]));
  const order: string[] = [];
  while (deps.size) {
    const ready = [...deps].filter(([, d]) => d.size === 0).map(([n]) => n).sort();
    // A cycle: take the table with the fewest unmet parents; deferredColumns covers its back edges.
    const next = ready.length ? ready : [[...deps].sort(([a, da], [b, db]) => da.size - db.size || a.localeCompare(b))[0][0]];
    for (const name of next) {
      order.push(name);
      deps.delete(name);
      for (const d of deps.values()) d.delete(name);
    }
  }
  return order;
}

/** Per table, the foreign-key columns pointing at the same table or one loaded later in `order`. */
export function deferredColumns(tables: Pick<TableInfo, 'name' | 'foreignKeys'>[], order: string[]): Map<string, string[]> {
  const position = new Map(order.map((n, i) => [n, i]));
  const out = new Map<string, string[]>();
  for (const t of tables) {
    const mine = position.get(t.name);
    if (mine === undefined) continue;
    const cols = t.foreignKeys.filter((f) => (position.get(f.references) ?? -1) >= mine).map((f) => f.column);
    if (cols.length) out.set(t.name, [...new Set(cols)]);
  }
  return out;
}
