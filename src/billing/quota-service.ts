import type { FastifyBaseLogger } from 'fastify';
import { NO_OBSERVER, type GatewayObserver } from '../observability/observer.js';
import {
  StoreUnavailableError,
  type QuotaCounter,
  type QuotaName,
  type QuotaStore,
  type RATE_QUOTAS,
  type Tenant,
  type UsageRepository,
} from '../../repositories/types.js';
import { GatewayError } from '../errors.js';
import type { EventBus } from '../events/event-bus.js';

/** Fractions of a quota at which `quota.threshold_reached` is emitted, once per quota and period. */
const THRESHOLDS = [0.8, 1];

/** The hard quotas (the per-minute ones are rate limits, not counters here). */
const HARD: Exclude<QuotaName, (typeof RATE_QUOTAS)[number]>[] = ['requests_per_day', 'requests_per_month', 'tokens_per_month', 'cost_micros_per_month'];
const UNLIMITED = Number.MAX_SAFE_INTEGER;
/**
 * Settlements are summed per tenant and counter and sent this often: one store round trip per tenant and interval
 * instead of one per request. Until then a counter holds the estimate; a reservation that would be refused first
 * sends the pending corrections and tries again, so nobody is refused on an estimate.
 */
const SETTLE_INTERVAL_MS = 50;

interface Period {
  day: string;
  month: string;
  dayStart: Date;
  monthStart: Date;
  dayEnd: Date;
  monthEnd: Date;
}

function periodOf(now: Date): Period {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  return {
    day: now.toISOString().slice(0, 10),
    month: now.toISOString().slice(0, 7),
    dayStart: new Date(Date.UTC(y, m, d)),
    monthStart: new Date(Date.UTC(y, m, 1)),
    dayEnd: new Date(Date.UTC(y, m, d + 1)),
    monthEnd: new Date(Date.UTC(y, m + 1, 1)),
  };
}

/** Counter key per quota in a period, and when it resets. */
function counterOf(name: (typeof HARD)[number], p: Period): { key: string; resets: Date } {
  switch (name) {
    case 'requests_per_day':
      return { key: `requests:d:${p.day}`, resets: p.dayEnd };
    case 'requests_per_month':
      return { key: `requests:m:${p.month}`, resets: p.monthEnd };
    case 'tokens_per_month':
      return { key: `tokens:m:${p.month}`, resets: p.monthEnd };
    case 'cost_micros_per_month':
      return { key: `cost:m:${p.month}`, resets: p.monthEnd };
  }
}

const ttlUntil = (end: Date, now: Date) => Math.ceil((end.getTime() - now.getTime()) / 1000) + 86_400;

export interface Reservation {
  tenantId: string;
  period: Period;
  tokens: number;
  costMicros: number;
}

export interface QuotaStatus {
  name: QuotaName;
  limit: number;
  used: number | null;
  remaining: number | null;
  resets_at: string | null;
}

/**
 * Hard quotas per tenant and period, reserve-then-settle: admission reserves one request and the estimated tokens
 * and cost in every counter at once (or refuses with nothing reserved); the answer settles them to the actual usage.
 * Counters live in the quota store and are seeded from the ledger whenever the store has lost them.
 */
export class QuotaService {
  /** tenant → counter key → summed correction not yet sent to the store. */
  private pending = new Map<string, Map<string, { delta: number; ttlSeconds: number }>>();
  private settling: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: QuotaStore,
    private readonly usage: Pick<UsageRepository, 'totalsSince'>,
    private readonly clock: () => Date,
    private readonly log: FastifyBaseLogger,
    private readonly events: EventBus,
    private readonly observer: GatewayObserver = NO_OBSERVER,
  ) {}

  private static hasHardQuota(tenant: Tenant): boolean {
    return HARD.some((q) => tenant.quota[q] !== undefined);
  }

  /** Reserves the estimate; throws 429 QUOTA_EXCEEDED or 503 QUOTA_STORE_UNAVAILABLE. Null when no quota applies. */
  async admit(tenant: Tenant, estimateOf: () => { tokens: number; costMicros: number }): Promise<Reservation | null> {
    if (!QuotaService.hasHardQuota(tenant)) return null;
    const estimate = estimateOf();
    const now = this.clock();
    const period = periodOf(now);
    const amounts: Record<(typeof HARD)[number], number> = {
      requests_per_day: 1,
      requests_per_month: 1,
      tokens_per_month: estimate.tokens,
      cost_micros_per_month: estimate.costMicros,
    };
    // Every counter moves, limited or not, so a quota set later starts from the truth.
    const counters: (QuotaCounter & { name: (typeof HARD)[number] })[] = HARD.map((name) => {
      const { key, resets } = counterOf(name, period);
      return { name, key, limit: tenant.quota[name] ?? UNLIMITED, amount: amounts[name], ttlSeconds: ttlUntil(resets, now) };
    });
    const marker = `seeded:${period.day}`;
    let outcome = await this.guard(() => this.store.reserve(tenant.id, marker, counters));
    if (outcome.status === 'unseeded') {
      await this.seed(tenant.id, period, now);
      outcome = await this.guard(() => this.store.reserve(tenant.id, marker, counters));
    }
    if (outcome.status === 'exceeded' && this.pending.has(tenant.id)) {
      // Counters still hold estimates this instance has corrected: refuse only on settled figures.
      await this.flushSettlements();
      outcome = await this.guard(() => this.store.reserve(tenant.id, marker, counters));
    }
    if (outcome.status === 'exceeded') {
      const counter = counters.find((c) => c.key === outcome.key)!;
      this.observer.quotaRejection(counter.name);
      const resets = counterOf(counter.name, period).resets;
      await this.emitOnce(tenant.id, `event:exceeded:${counter.key}`, ttlUntil(resets, now), 'quota.exceeded', {
        quota: counter.name,
        limit: counter.limit,
        used: outcome.used,
        period: counter.key.split(':').at(-1),
        resets_at: resets.toISOString(),
      });
      throw new GatewayError('QUOTA_EXCEEDED', `The ${counter.name} quota of ${counter.limit} is used up.`, {
        headers: { 'retry-after': String(Math.max(1, Math.ceil((resets.getTime() - now.getTime()) / 1000))) },
        details: { quota: counter.name, limit: counter.limit, used: outcome.used, resets_at: resets.toISOString() },
      });
    }
    if (outcome.status !== 'reserved') throw new GatewayError('QUOTA_STORE_UNAVAILABLE');
    await this.thresholds(tenant.id, counters, outcome.used, period, now);
    return { tenantId: tenant.id, period, tokens: estimate.tokens, costMicros: estimate.costMicros };
  }

  /**
   * Corrects the reservation to what the request really used, in the next batch. A failed batch is logged: the
   * ledger stays the truth, and counters are re-seeded from it daily.
   */
  settle(reservation: Reservation | null, actual: { tokens: number; costMicros: number }): void {
    if (!reservation) return;
    const now = this.clock();
    const tokens = counterOf('tokens_per_month', reservation.period);
    const cost = counterOf('cost_micros_per_month', reservation.period);
    this.addPending(reservation.tenantId, tokens.key, actual.tokens - reservation.tokens, ttlUntil(tokens.resets, now));
    this.addPending(reservation.tenantId, cost.key, actual.costMicros - reservation.costMicros, ttlUntil(cost.resets, now));
    this.timer ??= setTimeout(() => void this.flushSettlements(), SETTLE_INTERVAL_MS);
  }

  private addPending(tenantId: string, key: string, delta: number, ttlSeconds: number): void {
    if (delta === 0) return;
    let counters = this.pending.get(tenantId);
    if (!counters) this.pending.set(tenantId, (counters = new Map()));
    const entry = counters.get(key);
    if (entry) entry.delta += delta;
    else counters.set(key, { delta, ttlSeconds });
  }

  /** Sends every pending correction (one store call per tenant); resolves when they are stored or given up. */
  flushSettlements(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    this.settling = this.settling.then(() =>
      Promise.all(
        [...batch].map(async ([tenantId, counters]) => {
          const deltas = [...counters].map(([key, c]) => ({ key, ...c }));
          try {
            await this.store.settle(tenantId, deltas);
          } catch (err) {
            this.log.warn({ err: { message: (err as Error).message }, tenant: tenantId }, 'quota settlement failed');
          }
        }),
      ).then(() => undefined),
    );
    return this.settling;
  }

  /** On shutdown: what was settled reaches the store before its connection closes. */
  close(): Promise<void> {
    return this.flushSettlements();
  }

  /** The tenant's limits, what is used and what remains, per quota. */
  async status(tenant: Tenant): Promise<QuotaStatus[]> {
    const now = this.clock();
    const period = periodOf(now);
    const out: QuotaStatus[] = [];
    for (const name of ['requests_per_minute', 'events_per_minute'] as const) {
      const limit = tenant.quota[name];
      if (limit !== undefined) out.push({ name, limit, used: null, remaining: null, resets_at: null });
    }
    const configured = HARD.filter((q) => tenant.quota[q] !== undefined);
    if (configured.length === 0) return out;
    await this.flushSettlements();
    const marker = `seeded:${period.day}`;
    const keys = configured.map((q) => counterOf(q, period).key);
    // Reading through reserve semantics would count a request; seed directly when the store is empty instead.
    let values = await this.guard(() => this.store.read(tenant.id, [...keys, marker]));
    if (values[values.length - 1] === 0) {
      await this.seed(tenant.id, period, now);
      values = await this.guard(() => this.store.read(tenant.id, [...keys, marker]));
    }
    configured.forEach((q, i) => {
      const limit = tenant.quota[q]!;
      const used = values[i]!;
      out.push({ name: q, limit, used, remaining: Math.max(0, limit - used), resets_at: counterOf(q, period).resets.toISOString() });
    });
    return out;
  }

  /** A reservation that carried a counter across 80 % or 100 % of its limit announces it, once per period. */
  private async thresholds(
    tenantId: string,
    counters: (QuotaCounter & { name: (typeof HARD)[number] })[],
    used: number[],
    period: Period,
    now: Date,
  ): Promise<void> {
    for (const [i, c] of counters.entries()) {
      if (c.limit === UNLIMITED) continue;
      const after = used[i]!;
      const before = after - c.amount;
      for (const fraction of THRESHOLDS) {
        const mark = c.limit * fraction;
        if (before >= mark || after < mark) continue;
        const resets = counterOf(c.name, period).resets;
        await this.emitOnce(tenantId, `event:${fraction * 100}:${c.key}`, ttlUntil(resets, now), 'quota.threshold_reached', {
          quota: c.name,
          threshold_percent: fraction * 100,
          limit: c.limit,
          used: after,
          period: c.key.split(':').at(-1),
          resets_at: resets.toISOString(),
        });
      }
    }
  }

  /** Events must never fail a request: a store hiccup here only costs the event. */
  private async emitOnce(tenantId: string, claimKey: string, ttlSeconds: number, type: 'quota.threshold_reached' | 'quota.exceeded', data: Record<string, unknown>): Promise<void> {
    try {
      if (await this.store.claim(tenantId, claimKey, ttlSeconds)) this.events.emit(type, tenantId, data);
    } catch (err) {
      this.log.warn({ err: { message: (err as Error).message }, type }, 'quota event not emitted');
    }
  }

  /** After a quota change: the period's counters are dropped and re-seeded from the ledger by the next request. */
  async reset(tenantId: string): Promise<void> {
    // The ledger the counters are re-seeded from already holds these requests' real usage.
    this.pending.delete(tenantId);
    const period = periodOf(this.clock());
    await this.guard(() => this.store.forget(tenantId, [...HARD.map((q) => counterOf(q, period).key), `seeded:${period.day}`]));
  }

  private async seed(tenantId: string, period: Period, now: Date): Promise<void> {
    const [month, day] = await Promise.all([this.usage.totalsSince(tenantId, period.monthStart), this.usage.totalsSince(tenantId, period.dayStart)]);
    const value = (name: (typeof HARD)[number], v: number) => ({ key: counterOf(name, period).key, value: v, ttlSeconds: ttlUntil(counterOf(name, period).resets, now) });
    await this.guard(() =>
      this.store.seed(tenantId, `seeded:${period.day}`, [
        value('requests_per_day', day.requests),
        value('requests_per_month', month.requests),
        value('tokens_per_month', month.tokens),
        value('cost_micros_per_month', month.cost_micros),
      ]),
    );
    this.log.info({ tenant: tenantId }, 'quota counters seeded from the ledger');
  }

  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw new GatewayError('QUOTA_STORE_UNAVAILABLE', undefined, { cause: err });
      throw err;
    }
  }
}
