import { LRUCache } from 'lru-cache';
import { costOf, estimate, retryAfter, roll, type WindowState } from '../sliding-window.js';
import type { RateDecision, RateLimitStore, RateRule } from '../types.js';

/** Embedded mode, and the fallback when Redis is away: exact within this process. */
export class MemoryRateLimitStore implements RateLimitStore {
  // Bounded: an evicted counter only forgets old hits, and the busiest keys stay.
  private readonly windows = new LRUCache<string, WindowState>({ max: 200_000 });

  constructor(private readonly now: () => number = Date.now) {}

  async consume(group: string, rules: readonly RateRule[]): Promise<RateDecision> {
    return this.consumeSync(group, rules);
  }

  consumeSync(group: string, rules: readonly RateRule[]): RateDecision {
    const now = this.now();
    const states = rules.map((r) => roll(this.windows.get(`${group}:${r.name}`), now, r.windowMs));
    let tightest: RateDecision | undefined;
    for (const [i, rule] of rules.entries()) {
      const state = states[i]!;
      const used = estimate(state, now, rule.windowMs);
      const cost = costOf(rule);
      const allowed = used + cost <= rule.limit;
      const decision: RateDecision = {
        allowed,
        limit: rule.limit,
        remaining: Math.max(0, Math.floor(rule.limit - used - (allowed ? cost : 0))),
        resetMs: state.start + rule.windowMs - now,
        retryAfterMs: allowed ? 0 : retryAfter(state, now, rule.windowMs, rule.limit, cost),
      };
      if (!allowed) return decision;
      if (!tightest || decision.remaining < tightest.remaining) tightest = decision;
    }
    for (const [i, rule] of rules.entries()) {
      const state = states[i]!;
      this.windows.set(`${group}:${rule.name}`, { ...state, current: state.current + costOf(rule) });
    }
    return tightest ?? { allowed: true, limit: 0, remaining: 0, resetMs: 0, retryAfterMs: 0 };
  }

  async close(): Promise<void> {}
}
