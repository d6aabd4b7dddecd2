import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type {
  ClaimOptions,
  ClaimedDelivery,
  DeliveryAttempt,
  DeliveryFilter,
  DeliveryOutcome,
  FinishedAttempt,
  Page,
  PageRequest,
  WebhookDelivery,
  WebhookDeliveryRepository,
} from '../types.js';
import { atomically } from './atomically.js';
import { newId } from '../ids.js';
import { decodeCursor, toPage } from '../paging.js';
import type { Database } from './schema.js';
import { attemptsOf, toDelivery, type ClaimRow } from './webhook-delivery-rows.js';
import { toSecrets } from './webhook-endpoint-repository.js';

/** Rows per insert statement when an event fans out to many endpoints. */
const INSERT_CHUNK = 1_000;

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
      // Without a gateway-wide event every event has a tenant, so the list is never empty.
      if (!broadcast) query = query.where('tenant_id', 'in', tenants);
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

  /**
   * One statement: for each tenant with endpoints, lock its oldest due rows no other instance holds (SKIP LOCKED), keep
   * at most what each endpoint and each tenant has room for, take them round-robin across tenants (every tenant's
   * oldest first) up to the limit, lease them, and return them with their event body and endpoint. A tenant with a
   * huge backlog of older deliveries cannot push another tenant's delivery out of the batch.
   */
  async claim(now: Date, options: ClaimOptions): Promise<ClaimedDelivery[]> {
    const lease = randomUUID();
    const busy = JSON.stringify(Object.fromEntries(options.inFlight));
    const busyTenants = JSON.stringify(Object.fromEntries(options.tenantInFlight));
    const perTenant = Math.max(1, Math.min(options.limit, options.tenantCap));
    // The lease is the next attempt time: if this instance dies mid-attempt, the delivery is due again when it ends.
    const leaseEnd = new Date(now.getTime() + options.leaseMs);
    const rows = await sql<ClaimRow>`with busy as (
        select key as endpoint_id, value::int as n from jsonb_each_text(${busy}::jsonb)
      ), busy_tenants as (
        select key as tenant_id, value::int as n from jsonb_each_text(${busyTenants}::jsonb)
      ), tenants as (
        select distinct tenant_id from webhook_endpoints
        where tenant_id not in (select tenant_id from busy_tenants where n >= ${options.tenantCap})
      ), locked as (
        select d.id, d.endpoint_id, d.tenant_id, d.next_attempt_at from tenants t
        cross join lateral (
          select id, endpoint_id, tenant_id, next_attempt_at from webhook_deliveries
          where tenant_id = t.tenant_id and status = 'pending' and next_attempt_at <= ${now}
            and endpoint_id not in (select endpoint_id from busy where n >= ${options.endpointCap})
          order by next_attempt_at
          limit ${perTenant}
          for update skip locked
        ) d
      ), by_endpoint as (
        select l.id, l.tenant_id, l.next_attempt_at, l.endpoint_id,
          row_number() over (partition by l.endpoint_id order by l.next_attempt_at) as rank
        from locked l
      ), by_tenant as (
        select e.id, e.tenant_id, e.next_attempt_at,
          row_number() over (partition by e.tenant_id order by e.next_attempt_at) as rank
        from by_endpoint e left join busy b on b.endpoint_id = e.endpoint_id
        where e.rank <= ${options.endpointCap} - coalesce(b.n, 0)
      ), chosen as (
        select t.id from by_tenant t left join busy_tenants bt on bt.tenant_id = t.tenant_id
        where t.rank <= ${options.tenantCap} - coalesce(bt.n, 0)
        order by t.rank, t.next_attempt_at
        limit ${options.limit}
      )
      update webhook_deliveries d
      set attempts = d.attempts + 1, lease = ${lease}, next_attempt_at = ${leaseEnd}, updated_at = ${now}
      from outbox_events e, webhook_endpoints w
      where d.id in (select id from chosen) and e.id = d.event_id and w.id = d.endpoint_id
      returning d.id, d.attempts, d.event_id, d.event_type, d.tenant_id, e.body, w.id as endpoint_id, w.url, w.secrets, w.failing_since`.execute(this.db);
    return rows.rows.map((r) => ({
      id: r.id,
      lease,
      attempt: r.attempts,
      event_id: r.event_id,
      event_type: r.event_type,
      tenant_id: r.tenant_id,
      body: r.body,
      endpoint: {
        id: r.endpoint_id,
        url: r.url,
        secrets: toSecrets(r.secrets),
        failing_since: r.failing_since ? new Date(r.failing_since) : null,
      },
    }));
  }

  async finish(claim: ClaimedDelivery, attempt: DeliveryAttempt, outcome: DeliveryOutcome): Promise<boolean> {
    return (await this.finishMany([{ claim, attempt, outcome }]))[0]!;
  }

  /**
   * One statement for a batch of finished attempts: each delivery updated if its lease still holds, its attempt logged,
   * and each endpoint's failure streak started or ended (a success anywhere in the batch ends it).
   */
  async finishMany(items: readonly FinishedAttempt[]): Promise<boolean[]> {
    if (items.length === 0) return [];
    const rows = JSON.stringify(
      items.map(({ claim, attempt, outcome }) => {
        const done = new Date(attempt.at.getTime() + attempt.latency_ms).toISOString();
        return {
          id: claim.id,
          lease: claim.lease,
          status: outcome.state === 'retry' ? 'pending' : outcome.state,
          next_at: outcome.state === 'retry' ? outcome.at.toISOString() : done,
          finished: outcome.state === 'retry' ? null : done,
          done,
          attempt: attempt.attempt,
          at: attempt.at.toISOString(),
          code: attempt.status_code,
          err: attempt.error,
          latency: attempt.latency_ms,
          snippet: attempt.response_snippet,
        };
      }),
    );
    const health = new Map<string, { ok: boolean; at: string }>();
    for (const { claim, attempt, outcome } of items) {
      const seen = health.get(claim.endpoint.id);
      const ok = outcome.state === 'succeeded' || seen?.ok === true;
      const at = seen && seen.at < attempt.at.toISOString() ? seen.at : attempt.at.toISOString();
      health.set(claim.endpoint.id, { ok, at });
    }
    const endpoints = JSON.stringify([...health].map(([id, h]) => ({ id, ok: h.ok, at: h.at })));
    const result = await sql<{ id: string }>`with v as (
        select * from jsonb_to_recordset(${rows}::jsonb) as v(id text, lease text, status text, next_at timestamptz,
          finished timestamptz, done timestamptz, attempt int, at timestamptz, code int, err text, latency int, snippet text)
        limit ${items.length}
      ), updated as (
        update webhook_deliveries d
        set lease = null, status = v.status, next_attempt_at = v.next_at, last_status_code = v.code, last_error = v.err,
          updated_at = v.done, finished_at = v.finished
        from v where d.id = v.id and d.lease = v.lease
        returning d.id
      ), logged as (
        insert into webhook_attempts (delivery_id, attempt, at, status_code, error, latency_ms, response_snippet)
        select v.id, v.attempt, v.at, v.code, v.err, v.latency, v.snippet from v where v.id in (select id from updated)
      ), health as (
        select * from jsonb_to_recordset(${endpoints}::jsonb) as h(id text, ok boolean, at timestamptz) limit ${health.size}
      ), healthy as (
        update webhook_endpoints w set failing_since = null
        from health h where w.id = h.id and h.ok and w.failing_since is not null
      ), failing as (
        update webhook_endpoints w set failing_since = h.at
        from health h where w.id = h.id and not h.ok and w.failing_since is null
      )
      select id from updated`.execute(this.db);
    const kept = new Set(result.rows.map((r) => r.id));
    return items.map((i) => kept.has(i.claim.id));
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
    return toDelivery(row, (await attemptsOf(this.db, [id])).get(id) ?? []);
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
    const attempts = await attemptsOf(this.db, rows.map((r) => r.id));
    return toPage(rows.map((r) => toDelivery(r, attempts.get(r.id) ?? [])), page.limit);
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
