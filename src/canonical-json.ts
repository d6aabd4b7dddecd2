/**
 * JSON with sorted keys: the same entry always hashes the same, whatever order its fields were built in.
 * `text` rewrites string values first (the answer cache folds whitespace and Unicode forms this way).
 */
export function canonicalJson(value: unknown, text?: (s: string) => string): string {
  if (typeof value === 'string') return JSON.stringify(text ? text(value) : value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, text)).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, text)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
