import type { Kysely, Selectable } from 'kysely';
import type { DeliveryAttempt, WebhookDelivery } from '../types.js';
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable } from './schema.js';

/** What a claim reads of a due delivery, its event and its endpoint in one query. */
export interface ClaimRow {
  id: string;
  attempts: number;
  event_id: string;
  event_type: string;
  tenant_id: string;
  body: string;
  endpoint_id: string;
  url: string;
  secrets: { ciphertext: string; expires_at: string | null }[];
  failing_since: Date | string | null;
}

function toAttempt(row: Selectable<WebhookAttemptsTable>): DeliveryAttempt {
  return {
    attempt: row.attempt,
    at: new Date(row.at),
    status_code: row.status_code,
    error: row.error,
    latency_ms: row.latency_ms,
    response_snippet: row.response_snippet,
  };
}

export function toDelivery(row: Selectable<WebhookDeliveriesTable>, attempts: DeliveryAttempt[]): WebhookDelivery {
  return {
    id: row.id,
    event_id: row.event_id,
    endpoint_id: row.endpoint_id,
    tenant_id: row.tenant_id,
    event_type: row.event_type,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' ? new Date(row.next_attempt_at) : null,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at),
    finished_at: row.finished_at ? new Date(row.finished_at) : null,
    attempt_log: attempts,
  };
}

/** Each delivery's attempt log, oldest first, in one query. */
export async function attemptsOf(db: Kysely<Database>, ids: string[]): Promise<Map<string, DeliveryAttempt[]>> {
  const byDelivery = new Map<string, DeliveryAttempt[]>();
  if (ids.length === 0) return byDelivery;
  const rows = await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', ids).orderBy('id').execute();
  for (const row of rows) {
    const list = byDelivery.get(row.delivery_id) ?? [];
    list.push(toAttempt(row));
    byDelivery.set(row.delivery_id, list);
  }
  return byDelivery;
}
