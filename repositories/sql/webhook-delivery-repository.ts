import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type {
  ClaimOptions,
  ClaimedDelivery,
  DeliveryAttempt,
  DeliveryFilter,
  DeliveryOutcome,
  Page,
  PageRequest,
  WebhookDelivery,
  WebhookDeliveryRepository,
} from '../types.js';
import { atomically } from './atomically.js';
import { newId } from './ids.js';
import { decodeCursor, toPage } from './paging.js';
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable } from './schema.js';
import { toSecrets } from './webhook-endpoint-repository.js';

/** Rows per insert statement when an event fans out to many endpoints. */
const INSERT_CHUNK = 1_000;

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

function toDelivery(row: Selectable<WebhookDeliveriesTable>, attempts: DeliveryAttempt[]): WebhookDelivery {
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

export class SqlWebhookDeliveryRepository implements WebhookDeliveryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  fanOut(now: Date, limit: number): Promise<number> {
    return atomically(this.db, async (db) => {
      // SKIP LOCKED: instances fanning out side by side take disjoint batches.
      const events = await db
        .selectFrom('outbox_events')
        .select(['seq', 'id', 'tenant_id', 'type'])
        .where('fanned_out_at', 'is', null)
        .orderBy('seq')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (events.length === 0) return 0;
      const tenants = [...new Set(events.flatMap((e) => (e.tenant_id ? [e.tenant_id] : [])))];
      const broadcast = events.some((e) => e.tenant_id === null);
      let query = db.selectFrom('webhook_endpoints').select(['id', 'tenant_id', 'events']).where('enabled', '=', true);
      if (!broadcast) query = query.where('tenant_id', 'in', tenants.length > 0 ? tenants : ['']);
      const endpoints = await query.execute();
      const rows = events.flatMap((event) =>
        endpoints
          .filter((ep) => (event.tenant_id === null || ep.tenant_id === event.tenant_id) && ep.events.includes(event.type))
          .map((ep) => ({
            id: newId('dlv'),
            event_id: event.id,
            endpoint_id: ep.id,
            tenant_id: ep.tenant_id,
            event_type: event.type,
            status: 'pending' as const,
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
            updated_at: now,
          })),
      );
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await db.insertInto('webhook_deliveries').values(rows.slice(i, i + INSERT_CHUNK)).execute();
      }
      await db
        .updateTable('outbox_events')
        .set({ fanned_out_at: now })
        .where('seq', 'in', events.map((e) => e.seq))
        .execute();
      return events.length;
    });
  }

  async claim(now: Date, options: ClaimOptions): Promise<ClaimedDelivery[]> {
    const claimed = await atomically(this.db, async (db) => {
      let query = db
        .selectFrom('webhook_deliveries')
        .select(['id', 'endpoint_id'])
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now);
      if (options.full.length > 0) query = query.where('endpoint_id', 'not in', [...options.full]);
      const candidates = await query.orderBy('next_attempt_at').limit(options.limit).forUpdate().skipLocked().execute();
      const taken = new Map<string, number>();
      const chosen = candidates.filter((c) => {
        const n = taken.get(c.endpoint_id) ?? 0;
        if (n >= options.room(c.endpoint_id)) return false;
        taken.set(c.endpoint_id, n + 1);
        return true;
      });
      if (chosen.length === 0) return undefined;
      const lease = randomUUID();
      // The lease is the next attempt time: if this instance dies mid-attempt, the delivery is due again when it ends.
      await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), lease, next_attempt_at: new Date(now.getTime() + options.leaseMs), updated_at: now }))
        .where('id', 'in', chosen.map((c) => c.id))
        .execute();
      return { lease, ids: chosen.map((c) => c.id) };
    });
    if (!claimed) return [];
    const rows = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('outbox_events as e', 'e.id', 'd.event_id')
      .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
      .select(['d.id', 'd.attempts', 'd.event_id', 'd.event_type', 'd.tenant_id', 'e.body', 'w.id as endpoint_id', 'w.url', 'w.secrets', 'w.failing_since'])
      .where('d.id', 'in', claimed.ids)
      .where('d.lease', '=', claimed.lease)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      lease: claimed.lease,
      attempt: r.attempts,
      event_id: r.event_id,
      event_type: r.event_type,
      tenant_id: r.tenant_id,
      body: r.body,
      endpoint: { id: r.endpoint_id, url: r.url, secrets: toSecrets(r.secrets), failing_since: r.failing_since ? new Date(r.failing_since) : null },
    }));
  }

  finish(claim: ClaimedDelivery, attempt: DeliveryAttempt, outcome: DeliveryOutcome): Promise<boolean> {
    const done = new Date(attempt.at.getTime() + attempt.latency_ms);
    return atomically(this.db, async (db) => {
      const updated = await db
        .updateTable('webhook_deliveries')
        .set({
          lease: null,
          status: outcome.state === 'retry' ? 'pending' : outcome.state,
          next_attempt_at: outcome.state === 'retry' ? outcome.at : done,
          last_status_code: attempt.status_code,
          last_error: attempt.error,
          updated_at: done,
          finished_at: outcome.state === 'retry' ? null : done,
        })
        .where('id', '=', claim.id)
        .where('lease', '=', claim.lease)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return false;
      await db.insertInto('webhook_attempts').values({ delivery_id: claim.id, ...attempt }).execute();
      const succeeded = outcome.state === 'succeeded';
      await db
        .updateTable('webhook_endpoints')
        .set((eb) => ({ failing_since: succeeded ? null : eb.fn.coalesce('failing_since', eb.val(attempt.at)) }))
        .where('id', '=', claim.endpoint.id)
        .where((eb) => (succeeded ? eb('failing_since', 'is not', null) : eb('failing_since', 'is', null)))
        .execute();
      return true;
    });
  }

  async releaseLeases(now: Date): Promise<number> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ lease: null, next_attempt_at: now, updated_at: now })
      .where('status', '=', 'pending')
      .where('lease', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async get(id: string): Promise<WebhookDelivery | undefined> {
    const row = await this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return toDelivery(row, (await this.attemptsOf([id])).get(id) ?? []);
  }

  async list(filter: DeliveryFilter, page: PageRequest): Promise<Page<WebhookDelivery>> {
    const before = decodeCursor(page.cursor);
    let query = this.db.selectFrom('webhook_deliveries').selectAll();
    if (filter.tenant_id) query = query.where('tenant_id', '=', filter.tenant_id);
    if (filter.endpoint_id) query = query.where('endpoint_id', '=', filter.endpoint_id);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.event_type) query = query.where('event_type', '=', filter.event_type);
    if (filter.event_id) query = query.where('event_id', '=', filter.event_id);
    if (before) query = query.where('id', '<', before);
    const rows = await query.orderBy('id', 'desc').limit(page.limit + 1).execute();
    const attempts = await this.attemptsOf(rows.map((r) => r.id));
    return toPage(rows.map((r) => toDelivery(r, attempts.get(r.id) ?? [])), page.limit);
  }

  private async attemptsOf(ids: string[]): Promise<Map<string, DeliveryAttempt[]>> {
    const byDelivery = new Map<string, DeliveryAttempt[]>();
    if (ids.length === 0) return byDelivery;
    const rows = await this.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', ids).orderBy('id').execute();
    for (const row of rows) {
      const list = byDelivery.get(row.delivery_id) ?? [];
      list.push(toAttempt(row));
      byDelivery.set(row.delivery_id, list);
    }
    return byDelivery;
  }

  async redeliver(id: string, now: Date): Promise<WebhookDelivery | undefined> {
    // Pending and waiting: just due now. In flight: left alone. Finished: a new run of the schedule.
    await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        status: 'pending',
        attempts: eb.case().when('status', '=', 'pending').then(eb.ref('attempts')).else(0).end(),
        next_attempt_at: now,
        finished_at: null,
        updated_at: now,
      }))
      .where('id', '=', id)
      .where('lease', 'is', null)
      .execute();
    return this.get(id);
  }

  async redeliverDead(filter: { since: Date; tenant_id?: string | undefined; endpoint_id?: string | undefined }, now: Date): Promise<number> {
    let query = this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: now, finished_at: null, updated_at: now })
      .where('status', '=', 'dead')
      .where('finished_at', '>=', filter.since)
      .where('endpoint_id', 'in', (eb) => eb.selectFrom('webhook_endpoints').select('id').where('enabled', '=', true));
    if (filter.tenant_id) query = query.where('tenant_id', '=', filter.tenant_id);
    if (filter.endpoint_id) query = query.where('endpoint_id', '=', filter.endpoint_id);
    return Number((await query.executeTakeFirst()).numUpdatedRows);
  }

  async prune(before: Date): Promise<number> {
    const deliveries = await this.db
      .deleteFrom('webhook_deliveries')
      .where('status', '!=', 'pending')
      .where('finished_at', '<', before)
      .executeTakeFirst();
    await this.db
      .deleteFrom('outbox_events as e')
      .where('e.fanned_out_at', '<', before)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_id', '=', 'e.id'))))
      .execute();
    return Number(deliveries.numDeletedRows);
  }
}
