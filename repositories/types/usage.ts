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
