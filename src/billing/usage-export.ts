import type { UsageRecord, UsageRepository } from '../../repositories/types.js';

const BATCH = 2_000;

export const EXPORT_COLUMNS = [
  'event_id', 'occurred_at', 'tenant_id', 'key_id', 'request_id', 'task', 'provider', 'model', 'status',
  'input_tokens', 'output_tokens', 'latency_ms', 'cost_micros', 'pricing_version',
] as const;

/** RFC 4180: quote a field when it holds a comma, a quote or a line break; double the quotes inside. */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(row: UsageRecord): string {
  return `${EXPORT_COLUMNS.map((c) => csvField(row[c])).join(',')}\r\n`;
}

/**
 * The ledger for a range as CSV or NDJSON text chunks, read in keyset-paginated batches: memory stays bounded by one
 * batch however many rows the range holds.
 */
export async function* exportUsage(
  usage: Pick<UsageRepository, 'exportBatch'>,
  range: { from: Date; to: Date; tenant_id?: string | undefined },
  format: 'csv' | 'ndjson',
): AsyncGenerator<string> {
  if (format === 'csv') yield `${EXPORT_COLUMNS.join(',')}\r\n`;
  let after: { occurred_at: Date; event_id: string } | null = null;
  for (;;) {
    const rows = await usage.exportBatch(range, after, BATCH);
    if (rows.length === 0) return;
    yield rows.map((r) => (format === 'csv' ? csvLine(r) : `${JSON.stringify(r)}\n`)).join('');
    const last = rows[rows.length - 1]!;
    after = { occurred_at: last.occurred_at, event_id: last.event_id };
    if (rows.length < BATCH) return;
  }
}
