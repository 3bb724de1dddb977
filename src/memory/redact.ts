/** Placeholder until the full redaction corpus lands: strips private blocks only. */
export function redactSecrets(text: string): string {
  return text.replace(/<private>[\s\S]*?<\/private>/gi, '');
}
