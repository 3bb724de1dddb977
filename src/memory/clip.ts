/**
 * `text` on one line (whitespace runs flattened) and cut to at most `max` characters at a word boundary,
 * with "…" when cut: index lines, titles, previews. The one clipping helper (the engine, MCP and the CLI use it; it lives in the pure engine so the engine imports nothing outside).
 */
export function clip(text: string | null | undefined, max = 200): string {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}
