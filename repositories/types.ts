/** Storage interfaces. The SQL implementation (PGlite or PostgreSQL) is chosen once in deps.ts. */

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Tenant {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  /** null = every configured provider. */
  allowed_providers: string[] | null;
  metadata: Record<string, string>;
  /** Addresses and CIDRs; deny wins, then a non-empty allow list must match. */
  ip_rules: IpRules;
  /** Limits per period; an absent entry is no limit. */
  quota: TenantQuota;
  /** Billing plan name from the config's `plans`; null = pay as you go. */
  plan: string | null;
  created_at: Date;
}

export const QUOTA_NAMES = ['requests_per_minute', 'requests_per_day', 'requests_per_month', 'tokens_per_month', 'cost_micros_per_month', 'events_per_minute'] as const;
/** Quotas enforced as sliding-window rates (rate-limit store), not as period counters. */
export const RATE_QUOTAS = ['requests_per_minute', 'events_per_minute'] as const;
export type QuotaName = (typeof QUOTA_NAMES)[number];
export type TenantQuota = Partial<Record<QuotaName, number>>;

export interface IpRules {
  allow: string[];
  deny: string[];
}

export interface NewTenant {
  name: string;
  plan?: string | null;
  allowed_providers?: string[] | null;
  metadata?: Record<string, string>;
}

export type TenantPatch = Partial<Pick<Tenant, 'name' | 'status' | 'allowed_providers' | 'metadata' | 'ip_rules' | 'quota' | 'plan'>>;

export interface TenantRepository {
  create(tenant: NewTenant): Promise<Tenant>;
  get(id: string): Promise<Tenant | undefined>;
  list(page: PageRequest): Promise<Page<Tenant>>;
  update(id: string, patch: TenantPatch): Promise<Tenant | undefined>;
}

export type KeyKind = 'tenant' | 'admin';
export type KeyMode = 'bearer' | 'signed';
export type AdminRole = 'owner' | 'operator' | 'billing' | 'auditor';

export interface ApiKeyRecord {
  id: string;
  kind: KeyKind;
  tenant_id: string | null;
  name: string;
  mode: KeyMode;
  scopes: string[];
  role: AdminRole | null;
  /** First 12 characters of the key, safe to display. */
  start: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  /** Addresses and CIDRs the key may be used from; empty = anywhere the tenant allows. */
  ip_allow: string[];
  /** Set when the key was rotated: the id of its successor. */
  replaced_by: string | null;
}

export type NewApiKey = Omit<ApiKeyRecord, 'id' | 'created_at' | 'revoked_at' | 'last_used_at' | 'replaced_by'> & {
  /** SHA-256 of the full key, hex. A bearer key itself is never stored. */
  hash: string;
  /** Signed keys only: the signing secret, encrypted (the gateway needs it back to check HMACs). */
  secret_ciphertext: string | null;
};

export interface ApiKeyRepository {
  create(key: NewApiKey): Promise<ApiKeyRecord>;
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  list(filter: { kind: KeyKind; tenant_id?: string }, page: PageRequest): Promise<Page<ApiKeyRecord>>;
  /** Active admin keys, of one role when given. */
  countActiveAdminKeys(now: Date, role?: AdminRole): Promise<number>;
  revoke(id: string, at: Date): Promise<ApiKeyRecord | undefined>;
  /** A signed key's encrypted signing secret, with the hash it was bound to when encrypted. */
  signingSecret(id: string): Promise<{ ciphertext: string; hash: string } | undefined>;
  /** Rotation: the old key points at its successor and stops working at `expiresAt`. */
  markReplaced(id: string, replacedBy: string, expiresAt: Date): Promise<ApiKeyRecord | undefined>;
  touch(id: string, at: Date): Promise<void>;
}

export const EVENT_TYPES = ['view', 'click', 'add_to_cart', 'purchase', 'rating'] as const;
export type InteractionType = (typeof EVENT_TYPES)[number];

export interface Interaction {
  id: string;
  type: InteractionType;
  user_id: string;
  item_id: string;
  value: number | null;
  occurred_at: Date;
}

export interface CatalogItem {
  item_id: string;
  title: string | null;
  category: string | null;
  attributes: Record<string, unknown>;
}

/** An event as stored: its sequence orders the tenant's events for the models that follow them. */
export interface StoredInteraction extends Interaction {
  seq: number;
}

export interface ItemCategory {
  item_id: string;
  category: string | null;
}

/** Categories of the given items, or those changed at or after a time of the database's clock (oldest first). */
export type CategoryQuery = { itemIds: string[] } | { changedSince: Date; limit: number };

export interface CategoryPage {
  items: (ItemCategory & { updated_at: Date })[];
  /** The database's time when the page was read: where the next "changed since" starts. */
  asOf: Date;
}

export interface InteractionRepository {
  /** Idempotent on (tenant, event id): a repeated id counts as a duplicate, not an error. Returns the new events. */
  addEvents(tenantId: string, events: Interaction[]): Promise<{ stored: StoredInteraction[]; duplicates: number }>;
  upsertItems(tenantId: string, items: CatalogItem[]): Promise<number>;
  /** The tenant's events after `afterSeq`, in sequence order. */
  eventsSince(tenantId: string, afterSeq: number, limit: number): Promise<StoredInteraction[]>;
  /** The sequence after which exactly the `count` most recent events follow (0 when there are fewer). */
  windowStart(tenantId: string, count: number): Promise<number>;
  itemCategories(tenantId: string, query: CategoryQuery): Promise<CategoryPage>;
}

export interface KnowledgeEntry {
  id: string;
  question: string;
  answer: string;
  tags: string[];
  language: string | null;
  created_at: Date;
}

export type NewKnowledgeEntry = Omit<KnowledgeEntry, 'created_at'>;

export interface KnowledgeRepository {
  /** Inserts or replaces entries by id. */
  upsert(tenantId: string, entries: NewKnowledgeEntry[]): Promise<void>;
  list(tenantId: string, page: { limit: number; after?: string | undefined }): Promise<KnowledgeEntry[]>;
  get(tenantId: string, id: string): Promise<KnowledgeEntry | undefined>;
  remove(tenantId: string, id: string): Promise<boolean>;
  /** Changes whenever the tenant's entries change (count and latest update): cheap to poll. */
  signature(tenantId: string): Promise<string>;
  /** Every entry of the tenant, for building its search index. */
  all(tenantId: string): Promise<KnowledgeEntry[]>;
}

export interface Feedback {
  request_id: string;
  correct: string | null;
  rating: number | null;
}

export interface FeedbackRepository {
  add(tenantId: string, feedback: Feedback): Promise<void>;
  listForRequest(tenantId: string, requestId: string): Promise<Feedback[]>;
}

export interface TaxonomyExample {
  text: string;
  label: string;
}

export type ExampleSource = 'admin' | 'feedback';

/** What a trained taxonomy was trained on: every instance rebuilds the same model from the same examples. */
export interface TaxonomyVersion {
  tenant_id: string;
  taxonomy: string;
  version: number;
  /** Examples up to this id (inclusive) went into this version. */
  last_example_id: number;
  examples: number;
  labels: string[];
  trained_at: Date;
}

export interface TaxonomyRepository {
  addExamples(tenantId: string, taxonomy: string, examples: readonly TaxonomyExample[], source: ExampleSource): Promise<number>;
  /** Examples in insertion order, up to `throughId` when given. */
  examples(tenantId: string, taxonomy: string, throughId?: number): Promise<(TaxonomyExample & { id: number })[]>;
  /** How many examples arrived after `afterId`. */
  countSince(tenantId: string, taxonomy: string, afterId: number): Promise<number>;
  current(tenantId: string, taxonomy: string): Promise<TaxonomyVersion | undefined>;
  saveVersion(version: TaxonomyVersion): Promise<void>;
  /** Remembers a categorisation request's text, so feedback on it can become an example. */
  rememberInput(tenantId: string, requestId: string, taxonomy: string, text: string): Promise<void>;
  inputFor(tenantId: string, requestId: string): Promise<{ taxonomy: string; text: string } | undefined>;
  /** Takes a remembered input away, so a request teaches at most once; false when another call took it first. */
  takeInput(tenantId: string, requestId: string): Promise<boolean>;
  /** The distinct labels of a taxonomy's examples. */
  labels(tenantId: string, taxonomy: string): Promise<string[]>;
  /** Drops remembered inputs older than `before`; returns how many. */
  forgetInputs(before: Date): Promise<number>;
}

/** The audit chain's anchor: the first row's prev_hash. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  at: Date;
  actor_key_id: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  tenant_id: string | null;
  request_id: string | null;
  ip: string | null;
  outcome: AuditOutcome;
  status: number | null;
  /** Already redacted by the caller. */
  diff: Record<string, unknown> | null;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  id: string;
  prev_hash: string;
  hash: string;
}

export interface AuditFilter {
  tenant_id?: string | undefined;
  target_id?: string | undefined;
  actor_key_id?: string | undefined;
  action?: string | undefined;
  outcome?: AuditOutcome | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface AuditRepository {
  /** Appends under a lock so the chain has one head even with several writers; hashes with `chainHash`. */
  append(entry: AuditEntry, chainHash: (seq: number, entry: AuditEntry, prevHash: string) => string): Promise<AuditRecord>;
  list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>>;
  /** Rows in chain order after `afterSeq`, for verification. */
  walk(afterSeq: number, limit: number): Promise<AuditRecord[]>;
}

/** One finished task request, as billed. */
export interface UsageRecord {
  event_id: string;
  tenant_id: string;
  key_id: string | null;
  request_id: string;
  task: string;
  provider: string | null;
  model: string | null;
  status: number;
  input_tokens: number;
  output_tokens: number;
  latency_ms: number;
  /** The prices applied: per-million token prices, or a per-request price, in micros. */
  unit_price: Record<string, number>;
  cost_micros: number;
  pricing_version: string;
  occurred_at: Date;
}

export type UsageGroup = 'day' | 'task' | 'provider' | 'key';

export interface UsageTotals {
  group: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost_micros: number;
}

export interface QuotaCounter {
  /** Counter key within the tenant's group, e.g. `requests:m:2026-11`. */
  key: string;
  limit: number;
  amount: number;
  ttlSeconds: number;
}

export type ReserveOutcome = { status: 'reserved'; used: number[] } | { status: 'exceeded'; key: string; used: number } | { status: 'unseeded' };

/**
 * Hard-quota counters. `reserve` checks every counter and adds the amounts only if all fit (atomic); `settle` corrects
 * a reservation to the actual usage. `marker` says the counters of a period were seeded from the ledger.
 */
export interface QuotaStore {
  reserve(group: string, marker: string, counters: readonly QuotaCounter[]): Promise<ReserveOutcome>;
  settle(group: string, deltas: readonly { key: string; delta: number; ttlSeconds: number }[]): Promise<void>;
  /** Sets counters that do not exist yet (existing ones hold newer truth), then the marker. */
  seed(group: string, marker: string, values: readonly { key: string; value: number; ttlSeconds: number }[]): Promise<void>;
  read(group: string, keys: readonly string[]): Promise<number[]>;
  forget(group: string, keys: readonly string[]): Promise<void>;
  /** True for the first caller only, until the key expires (one event per threshold and period across instances). */
  claim(group: string, key: string, ttlSeconds: number): Promise<boolean>;
}

export interface UsageRepository {
  /** Appends rows; an event id already present is skipped, not an error. Returns how many were new. */
  insertMany(rows: readonly UsageRecord[]): Promise<number>;
  summarize(tenantId: string, range: { from: Date; to: Date }, groupBy: UsageGroup): Promise<UsageTotals[]>;
  count(filter: { tenant_id?: string }): Promise<number>;
  /** Rows in (occurred_at, event_id) order after `after`, for streaming exports batch by batch. */
  exportBatch(
    range: { from: Date; to: Date; tenant_id?: string | undefined },
    after: { occurred_at: Date; event_id: string } | null,
    limit: number,
  ): Promise<UsageRecord[]>;
  /** Requests and cost of a tenant in [from, to), split by provider kind (local vs vendor) for invoices. */
  billingTotals(tenantId: string, range: { from: Date; to: Date }): Promise<{ requests: number; local_cost_micros: number; provider_cost_micros: number; local_requests: number }>;
  /** Requests, tokens and cost of a tenant since `from` (for seeding quota counters). */
  totalsSince(tenantId: string, from: Date): Promise<{ requests: number; tokens: number; cost_micros: number }>;
}

export interface InvoiceLine {
  kind: 'platform_fee' | 'provider_usage' | 'local_usage' | 'markup' | 'overage';
  description: string;
  quantity: number;
  amount_micros: number;
}

export interface Invoice {
  tenant_id: string;
  month: string;
  status: 'draft' | 'finalized';
  currency: string;
  lines: InvoiceLine[];
  total_micros: number;
  finalized_at: Date | null;
}

export interface InvoiceRepository {
  get(tenantId: string, month: string): Promise<Invoice | undefined>;
  /** Stores a finalized invoice once; a concurrent or later finalization keeps the first. */
  finalize(invoice: Invoice): Promise<Invoice>;
}

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

/** The repositories a transaction hands out: writes through them commit or roll back together. */
export type TransactionRepositories = Omit<Repositories, 'kind' | 'ping' | 'close' | 'transaction' | 'maintain'>;

export interface Repositories {
  /** PGlite is the embedded store: one process owns it. */
  kind: 'pglite' | 'postgres';
  tenants: TenantRepository;
  invoices: InvoiceRepository;
  keys: ApiKeyRepository;
  audit: AuditRepository;
  usage: UsageRepository;
  interactions: InteractionRepository;
  knowledge: KnowledgeRepository;
  feedback: FeedbackRepository;
  taxonomies: TaxonomyRepository;
  outbox: OutboxRepository;
  webhookEndpoints: WebhookEndpointRepository;
  webhookDeliveries: WebhookDeliveryRepository;
  /** Runs `work` in one transaction over every repository. */
  transaction<T>(work: (tx: TransactionRepositories) => Promise<T>): Promise<T>;
  /**
   * Embedded store upkeep PostgreSQL's autovacuum does on its own: fresh planner statistics (`analyze`) and, with
   * `vacuum`, reclaimed dead rows. A no-op on PostgreSQL.
   */
  maintain(options?: { vacuum?: boolean }): Promise<void>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by hot-state stores (Redis) when they cannot answer; callers decide whether to fail open or closed. */
export class StoreUnavailableError extends Error {
  constructor(store: string, options?: { cause?: unknown }) {
    super(`${store} is unavailable`, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Remembers request nonces for replay protection (GW-HMAC-1). Shared across instances through Redis. */
export interface NonceStore {
  /** Records the nonce; false when it was already recorded within its time to live. Throws StoreUnavailableError. */
  remember(scope: string, nonce: string, ttlSeconds: number): Promise<boolean>;
  close(): Promise<void>;
}

/** What a cache must forget, told to every instance. */
export type Invalidation = { kind: 'key'; id: string } | { kind: 'tenant'; id: string } | { kind: 'cache'; id: string };

/** Cross-instance cache invalidation (Redis pub/sub; in-process in embedded mode). */
export interface InvalidationBus {
  publish(message: Invalidation): Promise<void>;
  subscribe(handler: (message: Invalidation) => void): void;
  close(): Promise<void>;
}

/** One sliding-window rule: at most `limit` hits per `windowMs` for `name`. */
export interface RateRule {
  name: string;
  limit: number;
  windowMs: number;
  /** What this call counts for (default 1): an ingest counts its events. Never more than the limit. */
  cost?: number;
}

export interface RateDecision {
  allowed: boolean;
  /** The most restrictive rule's numbers (the one that refused, or the one with least room left). */
  limit: number;
  remaining: number;
  /** Milliseconds until that rule's window ends. */
  resetMs: number;
  /** When refused: milliseconds until a retry can succeed. */
  retryAfterMs: number;
}

/**
 * Rate-limit counters. One call decides every rule of a request atomically: all admit and are counted, or the request
 * is refused and nothing is counted. `group` keeps related rules together (one Redis Cluster slot).
 */
export interface RateLimitStore {
  consume(group: string, rules: readonly RateRule[]): Promise<RateDecision>;
  close(): Promise<void>;
}

/**
 * The shared (L2) answer cache and its purge generations. Redis when configured; absent in embedded mode, where the
 * in-process L1 is the only level. Every method may throw StoreUnavailableError; callers then go on without L2.
 */
export interface SharedCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** A short lock so one instance computes a missing answer while the others wait for it. */
  lock(key: string, ttlMs: number): Promise<boolean>;
  unlock(key: string): Promise<void>;
  generations(names: readonly string[]): Promise<number[]>;
  bump(name: string): Promise<number>;
}
