import CircuitBreaker from 'opossum';
import { BREAKER_FAILURES, ProviderError } from '../../providers/provider.js';
import type { EventBus } from '../events/event-bus.js';

export interface BreakerSettings {
  errorThresholdPercent: number;
  volumeThreshold: number;
  windowMs: number;
  resetMs: number;
}

export interface BreakerStatus {
  provider: string;
  model: string;
  state: 'closed' | 'open' | 'half_open';
  calls: number;
  failures: number;
  error_rate: number;
  latency_ms: { p50: number; p95: number; p99: number };
  retry_after_ms: number | null;
}

interface Entry {
  provider: string;
  model: string;
  breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  openedAt: number | null;
}

/** Thrown instead of calling a provider whose breaker is open; falls through to the next provider. */
export class CircuitOpenError extends ProviderError {
  constructor(provider: string, retryAfterMs: number) {
    super(provider, 'circuit_open', `${provider} is failing; its circuit is open`, { retryAfterMs });
  }
}

/**
 * One opossum breaker per provider and model. Counts 5xx, timeouts, connection errors and 429 (not other 4xx, not a
 * client going away); opens at the error threshold over at least `volumeThreshold` calls in the rolling window; after
 * `resetMs` lets exactly one probe through. State changes become provider.circuit_opened / provider.circuit_closed.
 */
export class ProviderBreakers {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly settings: BreakerSettings,
    private readonly events: EventBus,
  ) {}

  async call<T>(provider: string, model: string, action: () => Promise<T>): Promise<T> {
    const entry = this.entry(provider, model);
    try {
      return (await entry.breaker.fire(action)) as T;
    } catch (err) {
      if ((err as { code?: string }).code === 'EOPENBREAKER') throw new CircuitOpenError(provider, this.retryAfter(entry));
      throw err;
    }
  }

  private retryAfter(entry: Entry): number {
    return entry.openedAt === null ? this.settings.resetMs : Math.max(0, entry.openedAt + this.settings.resetMs - Date.now());
  }

  private entry(provider: string, model: string): Entry {
    const id = `${provider}/${model}`;
    let entry = this.entries.get(id);
    if (entry) return entry;
    const breaker = new CircuitBreaker((action: () => Promise<unknown>) => action(), {
      timeout: false, // the dispatcher owns deadlines
      errorThresholdPercentage: this.settings.errorThresholdPercent,
      volumeThreshold: this.settings.volumeThreshold,
      rollingCountTimeout: this.settings.windowMs,
      rollingCountBuckets: 10,
      resetTimeout: this.settings.resetMs,
      rollingPercentilesEnabled: true,
      errorFilter: (err: unknown) => !(err instanceof ProviderError && BREAKER_FAILURES.has(err.failure)),
    });
    entry = { provider, model, breaker, openedAt: null };
    const e = entry;
    breaker.on('open', () => {
      e.openedAt = Date.now();
      this.events.emit('provider.circuit_opened', null, { provider, model, retry_after_ms: this.settings.resetMs });
    });
    breaker.on('close', () => {
      e.openedAt = null;
      this.events.emit('provider.circuit_closed', null, { provider, model });
    });
    this.entries.set(id, entry);
    return entry;
  }

  status(): BreakerStatus[] {
    return [...this.entries.values()].map((e) => {
      const stats = e.breaker.stats;
      const failures = stats.failures + stats.timeouts;
      const calls = stats.successes + failures;
      const percentiles = stats.percentiles as Record<string, number>;
      return {
        provider: e.provider,
        model: e.model,
        state: e.breaker.opened ? 'open' : e.breaker.halfOpen ? 'half_open' : 'closed',
        calls,
        failures,
        error_rate: calls === 0 ? 0 : Math.round((failures / calls) * 1000) / 1000,
        latency_ms: { p50: percentiles['0.5'] ?? 0, p95: percentiles['0.95'] ?? 0, p99: percentiles['0.99'] ?? 0 },
        retry_after_ms: e.breaker.opened ? this.retryAfter(e) : null,
      };
    });
  }

  /** Closes every breaker of a provider; false when it has none yet. */
  reset(provider: string): boolean {
    let found = false;
    for (const e of this.entries.values()) {
      if (e.provider !== provider) continue;
      found = true;
      e.breaker.close();
    }
    return found;
  }

  shutdown(): void {
    for (const e of this.entries.values()) e.breaker.shutdown();
  }
}
