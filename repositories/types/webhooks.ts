import type { Page, PageRequest } from './page.js';

/** A domain event as the outbox keeps it: `body` is the exact JSON every delivery sends and signs. */
export interface OutboxEvent {
  /** `msg_…`: the `webhook-id` receivers see, the same on every attempt. */
  id: string;
  /** null for gateway-wide events (provider incidents), which go to every tenant's subscribed endpoints. */
  tenant_id: string | null;
  type: string;
  body: string;
  created_at: Date;
}

export interface OutboxRepository {
  append(events: readonly OutboxEvent[]): Promise<void>;
}

/** A signing secret, encrypted at rest; `expires_at` is set on the old one while a rotation overlaps. */
export interface WebhookSecret {
  ciphertext: string;
  expires_at: Date | null;
}

export interface WebhookEndpoint {
  id: string;
  tenant_id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  /** Why the gateway turned it off (`gone`: the receiver answered 410; `failing`: 5 days without success). */
  disabled_reason: string | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface NewWebhookEndpoint {
  id: string;
  tenant_id: string;
  url: string;
  description: string | null;
  events: string[];
  secrets: WebhookSecret[];
  created_at: Date;
}

export type WebhookEndpointPatch = Partial<Pick<WebhookEndpoint, 'url' | 'description' | 'events' | 'enabled'>>;

export interface WebhookEndpointRepository {
  create(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint>;
  get(tenantId: string, id: string): Promise<WebhookEndpoint | undefined>;
  list(tenantId: string, page: PageRequest): Promise<Page<WebhookEndpoint>>;
  /** Enabling again clears the reason and the failure streak. */
  update(tenantId: string, id: string, patch: WebhookEndpointPatch, at: Date): Promise<WebhookEndpoint | undefined>;
  /** Removes the endpoint with its deliveries. */
  remove(tenantId: string, id: string): Promise<boolean>;
  secrets(id: string): Promise<WebhookSecret[]>;
  setSecrets(id: string, secrets: WebhookSecret[], at: Date): Promise<void>;
  /** Event types some enabled endpoint of the tenant subscribes to. */
  subscribedTypes(tenantId: string): Promise<string[]>;
  /** Turns it off and dead-letters its pending deliveries; undefined when it was already off. */
  disable(id: string, reason: string, at: Date): Promise<WebhookEndpoint | undefined>;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'dead';

export interface DeliveryAttempt {
  attempt: number;
  at: Date;
  /** Absent when no HTTP answer came (refused address, connection error, timeout). */
  status_code: number | null;
  error: string | null;
  latency_ms: number;
  response_snippet: string | null;
}

export interface WebhookDelivery {
  id: string;
  event_id: string;
  endpoint_id: string;
  tenant_id: string;
  event_type: string;
  status: DeliveryStatus;
  /** Attempts in the current run (a redelivery starts a new run; the log keeps every attempt). */
  attempts: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  attempt_log: DeliveryAttempt[];
}

/** A delivery this instance holds a lease on: the next attempt is its to make. */
export interface ClaimedDelivery {
  id: string;
  lease: string;
  /** This attempt's number in the current run, from 1. */
  attempt: number;
  event_id: string;
  event_type: string;
  tenant_id: string;
  body: string;
  endpoint: { id: string; url: string; secrets: WebhookSecret[]; failing_since: Date | null };
}

export type DeliveryOutcome = { state: 'succeeded' } | { state: 'retry'; at: Date } | { state: 'dead' };

export interface DeliveryFilter {
  tenant_id?: string | undefined;
  endpoint_id?: string | undefined;
  status?: DeliveryStatus | undefined;
  event_type?: string | undefined;
  event_id?: string | undefined;
}

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  /** At most this many deliveries per endpoint in flight from the caller… */
  endpointCap: number;
  /** …counting these, which it already has in flight. */
  inFlight: ReadonlyMap<string, number>;
  /** At most this many deliveries per tenant in flight from the caller (so one tenant's slow receivers cannot take every slot)… */
  tenantCap: number;
  /** …counting these. */
  tenantInFlight: ReadonlyMap<string, number>;
}

export interface FinishedAttempt {
  claim: ClaimedDelivery;
  attempt: DeliveryAttempt;
  outcome: DeliveryOutcome;
}

export interface WebhookDeliveryRepository {
  /** Turns outbox events into deliveries for the endpoints subscribed to them; returns how many events it took. */
  fanOut(now: Date, limit: number): Promise<number>;
  /** Leases due deliveries (no other instance gets them until the lease runs out or the attempt is recorded). */
  claim(now: Date, options: ClaimOptions): Promise<ClaimedDelivery[]>;
  /** Records an attempt and what follows; false when the lease was lost meanwhile (nothing is written then). */
  finish(claim: ClaimedDelivery, attempt: DeliveryAttempt, outcome: DeliveryOutcome): Promise<boolean>;
  /** Several at once (one round trip); the answer says, per item, whether it was recorded. */
  finishMany(items: readonly FinishedAttempt[]): Promise<boolean[]>;
  /** Gives up every lease at once: only for the embedded store, where this process is the only dispatcher. */
  releaseLeases(now: Date): Promise<number>;
  get(id: string): Promise<WebhookDelivery | undefined>;
  /** Newest first, each with its attempts. */
  list(filter: DeliveryFilter, page: PageRequest): Promise<Page<WebhookDelivery>>;
  /** Queues it again now, as a new run of the schedule with the same `webhook-id`. */
  redeliver(id: string, now: Date): Promise<WebhookDelivery | undefined>;
  /** Queues every dead letter that died at or after `since` (of enabled endpoints); returns how many. */
  redeliverDead(filter: { since: Date; tenant_id?: string | undefined; endpoint_id?: string | undefined }, now: Date): Promise<number>;
  /** Forgets finished deliveries and fanned-out events older than `before`. */
  prune(before: Date): Promise<number>;
}
