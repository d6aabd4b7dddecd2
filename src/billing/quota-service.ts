import type { FastifyBaseLogger } from 'fastify';
import {
  StoreUnavailableError,
  type QuotaCounter,
  type QuotaName,
  type QuotaStore,
  type Tenant,
  type UsageRepository,
} from '../../repositories/types.js';
import { GatewayError } from '../errors.js';
import type { EventBus } from '../events/event-bus.js';

/** Fractions of a quota at which `quota.threshold_reached` is emitted, once per quota and period. */
const THRESHOLDS = [0.8, 1];

/** The hard quotas (requests_per_minute is a rate limit, not a counter here). */
const HARD: Exclude<QuotaName, 'requests_per_minute'>[] = ['requests_per_day', 'requests_per_month', 'tokens_per_month', 'cost_micros_per_month'];
const UNLIMITED = Number.MAX_SAFE_INTEGER;

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
  constructor(
    private readonly store: QuotaStore,
    private readonly usage: Pick<UsageRepository, 'totalsSince'>,
    private readonly clock: () => Date,
    private readonly log: FastifyBaseLogger,
    private readonly events: EventBus,
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
    if (outcome.status === 'exceeded') {
      const counter = counters.find((c) => c.key === outcome.key)!;
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

  /** Corrects the reservation to what the request really used. A failure here is logged: the ledger stays the truth. */
  async settle(reservation: Reservation | null, actual: { tokens: number; costMicros: number }): Promise<void> {
    if (!reservation) return;
    const now = this.clock();
    const tokens = counterOf('tokens_per_month', reservation.period);
    const cost = counterOf('cost_micros_per_month', reservation.period);
    try {
      await this.store.settle(reservation.tenantId, [
        { key: tokens.key, delta: actual.tokens - reservation.tokens, ttlSeconds: ttlUntil(tokens.resets, now) },
        { key: cost.key, delta: actual.costMicros - reservation.costMicros, ttlSeconds: ttlUntil(cost.resets, now) },
      ]);
    } catch (err) {
      this.log.warn({ err: { message: (err as Error).message }, tenant: reservation.tenantId }, 'quota settlement failed');
    }
  }

  /** The tenant's limits, what is used and what remains, per quota. */
  async status(tenant: Tenant): Promise<QuotaStatus[]> {
    const now = this.clock();
    const period = periodOf(now);
    const out: QuotaStatus[] = [];
    if (tenant.quota.requests_per_minute !== undefined) {
      out.push({ name: 'requests_per_minute', limit: tenant.quota.requests_per_minute, used: null, remaining: null, resets_at: null });
    }
    const configured = HARD.filter((q) => tenant.quota[q] !== undefined);
    if (configured.length === 0) return out;
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
