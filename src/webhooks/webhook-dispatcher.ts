import type { FastifyBaseLogger } from 'fastify';
import type { GatewayObserver } from '../observability/observer.js';
import type { ClaimedDelivery, DeliveryAttempt, FinishedAttempt, WebhookDeliveryRepository } from '../../repositories/types.js';
import type { EventBus } from '../events/event-bus.js';
import { decide } from './retry-schedule.js';
import { signatureHeader } from './webhook-signature.js';
import type { WebhookSecretBox } from './webhook-secrets.js';
import type { WebhookSender } from './webhook-sender.js';

/** A burst of this many events changes the tables enough that the planner needs to know (embedded store). */
const STATISTICS_AFTER = 1_000;
/** Finished attempts recorded per statement. */
const RECORD_BATCH = 200;

export interface DispatcherSettings {
  /** Deliveries in flight from this instance at once. */
  maxConcurrency: number;
  /** …and to any one endpoint… */
  endpointConcurrency: number;
  /** …and for any one tenant. */
  tenantConcurrency: number;
  /** How often the outbox is looked at when nothing woke the dispatcher (other instances' events, due retries). */
  pollMs: number;
  /** How long a claimed delivery is this instance's: longer than an attempt can take, so it never runs twice at once. */
  leaseMs: number;
  /** Outbox events turned into deliveries per transaction. */
  fanOutBatch: number;
}

export interface DispatcherDeps {
  repo: WebhookDeliveryRepository;
  events: Pick<EventBus, 'transaction'>;
  sender: WebhookSender;
  box: WebhookSecretBox;
  clock: () => Date;
  log: FastifyBaseLogger;
  /** After a large fan-out: the embedded store's planner statistics are refreshed (PostgreSQL does this itself). */
  refreshStatistics: () => Promise<void>;
  /** Told of every finished attempt (metrics). */
  observer?: GatewayObserver;
}

/**
 * Moves events from the outbox to receivers. Every instance runs one; the store hands each due delivery to one of them
 * (row locks skipped, then a lease), so instances share the work and never send the same attempt twice at once.
 * Attempts run concurrently up to the caps; each finished attempt is recorded with what follows it (success, the next
 * retry, dead letter, or the endpoint turned off).
 */
export class WebhookDispatcher {
  private readonly perEndpoint = new Map<string, number>();
  private readonly perTenant = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private pumping: Promise<number> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Whether the outbox may hold events not yet turned into deliveries. */
  private outboxDirty = true;
  private made = 0;
  private readonly finished: { item: FinishedAttempt; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private recording = false;

  constructor(
    private readonly deps: DispatcherDeps,
    private readonly settings: DispatcherSettings,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.settings.pollMs).unref();
    this.wake();
  }

  /**
   * Something new may be due: look soon, once. `outboxChanged` (events stored, the poll timer) also turns new outbox
   * events into deliveries; a finished attempt only frees a slot, so its pass skips that query.
   */
  wake(outboxChanged = true): void {
    if (outboxChanged) this.outboxDirty = true;
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((err: unknown) => {
        this.deps.log.warn({ err }, 'webhook dispatch pass failed; will retry');
        return 0;
      })
      .finally(() => {
        this.pumping = undefined;
        if (this.again) {
          this.again = false;
          this.wake(false);
        }
      });
  }

  /** Until nothing is due and nothing is in flight (tests and benches; with a fake clock, "due" is by that clock). */
  async drain(): Promise<void> {
    for (;;) {
      while (this.pumping) await this.pumping;
      this.outboxDirty = true;
      const work = await this.pump();
      await Promise.all(this.running);
      // A pass woken meanwhile may have claimed what this one did not see.
      if (work === 0 && this.running.size === 0 && !this.pumping) return;
    }
  }

  /** Attempts this instance made (sent, whatever the answer). */
  get attempts(): number {
    return this.made;
  }

  private async pump(): Promise<number> {
    let work = 0;
    while (this.outboxDirty) {
      this.outboxDirty = false;
      const taken = await this.deps.repo.fanOut(this.deps.clock(), this.settings.fanOutBatch).catch((err: unknown) => {
        this.outboxDirty = true;
        throw err;
      });
      work += taken;
      if (taken === this.settings.fanOutBatch) this.outboxDirty = true;
    }
    if (work >= STATISTICS_AFTER) await this.deps.refreshStatistics();
    while (!this.closed && this.running.size < this.settings.maxConcurrency) {
      const claims = await this.deps.repo.claim(this.deps.clock(), {
        limit: this.settings.maxConcurrency - this.running.size,
        leaseMs: this.settings.leaseMs,
        endpointCap: this.settings.endpointConcurrency,
        inFlight: this.perEndpoint,
        tenantCap: this.settings.tenantConcurrency,
        tenantInFlight: this.perTenant,
      });
      if (claims.length === 0) break;
      work += claims.length;
      for (const claim of claims) this.launch(claim);
    }
    return work;
  }

  private launch(claim: ClaimedDelivery): void {
    count(this.perEndpoint, claim.endpoint.id, 1);
    count(this.perTenant, claim.tenant_id, 1);
    const run = this.attempt(claim)
      .catch((err: unknown) => this.deps.log.warn({ err, delivery: claim.id }, 'recording a webhook attempt failed; the lease will expire and it will be retried'))
      .finally(() => {
        count(this.perEndpoint, claim.endpoint.id, -1);
        count(this.perTenant, claim.tenant_id, -1);
        this.running.delete(run);
        this.wake(false);
      });
    this.running.add(run);
  }

  private async attempt(claim: ClaimedDelivery): Promise<void> {
    const at = this.deps.clock();
    const timestamp = Math.floor(at.getTime() / 1000);
    const secrets = await this.deps.box.open(claim.endpoint.id, claim.endpoint.secrets, at);
    const headers = {
      'webhook-id': claim.event_id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, claim.event_id, timestamp, claim.body),
    };
    this.made++;
    const result = await this.deps.sender.send(claim.endpoint.url, headers, claim.body, this.deps.clock);
    const verdict = decide(claim.attempt, { statusCode: result.status_code, retryAfterMs: result.retryAfterMs }, at, claim.endpoint.failing_since);
    const attempt: DeliveryAttempt = {
      attempt: claim.attempt,
      at,
      status_code: result.status_code,
      error: result.error,
      latency_ms: result.latency_ms,
      response_snippet: result.response_snippet,
    };
    this.deps.observer?.webhookAttempt(verdict.outcome.state, result.latency_ms / 1000);
    const reason = verdict.disable;
    if (!reason) {
      await this.record({ claim, attempt, outcome: verdict.outcome });
      return;
    }
    // The dead letter, the endpoint turned off and the tenant's notice are one change.
    await this.deps.events.transaction(async (tx, emit) => {
      if (!(await tx.webhookDeliveries.finish(claim, attempt, verdict.outcome))) return;
      const disabled = await tx.webhookEndpoints.disable(claim.endpoint.id, reason, at);
      if (disabled) emit('webhook.endpoint_disabled', claim.tenant_id, { endpoint_id: disabled.id, url: disabled.url, reason });
    });
    this.deps.log.warn({ endpoint: claim.endpoint.id, tenant: claim.tenant_id, reason }, 'webhook endpoint disabled');
  }

  /** Attempts finishing together are recorded in one round trip; each caller waits for its own to be stored. */
  private record(item: FinishedAttempt): Promise<void> {
    return new Promise((resolve, reject) => {
      this.finished.push({ item, resolve, reject });
      if (!this.recording) void this.recordFinished();
    });
  }

  private async recordFinished(): Promise<void> {
    this.recording = true;
    while (this.finished.length > 0) {
      const batch = this.finished.splice(0, RECORD_BATCH);
      try {
        await this.deps.repo.finishMany(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.recording = false;
  }

  /** Stops claiming; attempts in flight finish (each is bounded by the sender's timeout). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.pumping;
    await Promise.all(this.running);
  }
}

/** In-flight counts; an entry goes at zero, so the maps stay as small as what is in flight. */
function count(map: Map<string, number>, key: string, by: 1 | -1): void {
  const n = (map.get(key) ?? 0) + by;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
