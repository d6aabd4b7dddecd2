import { BREAKER_FAILURES, ProviderError } from '../../providers/provider.js';
import type { EventBus } from '../events/event-bus.js';
import { CircuitBreaker, type CallOutcome, type CircuitSettings } from './circuit-breaker.js';

export type BreakerSettings = CircuitSettings;

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
  breaker: CircuitBreaker;
}

/** Thrown instead of calling a provider whose breaker is open; falls through to the next provider. */
export class CircuitOpenError extends ProviderError {
  constructor(provider: string, retryAfterMs: number) {
    super(provider, 'circuit_open', `${provider} is failing; its circuit is open`, { retryAfterMs });
  }
}

/**
 * A vendor answered (even with a 4xx or an unusable answer): healthy. It failed in a way that says it is unhealthy:
 * a failure. Anything the caller caused (its own short deadline, going away) says nothing about the vendor.
 */
function outcomeOf(err: unknown): CallOutcome {
  if (!(err instanceof ProviderError)) return 'success';
  if (BREAKER_FAILURES.has(err.failure)) return 'failure';
  return err.failure === 'deadline' || err.failure === 'aborted' ? 'ignored' : 'success';
}

/**
 * One breaker per provider and model, shared by every tenant. Counts 5xx, the vendor's own timeouts, connection
 * errors and 429; a failure share over the rolling window must come from enough tenants to open it. State changes
 * become provider.circuit_opened / provider.circuit_closed.
 */
export class ProviderBreakers {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly settings: BreakerSettings,
    private readonly events: EventBus,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async call<T>(provider: string, model: string, tenant: string, action: () => Promise<T>): Promise<T> {
    const entry = this.entry(provider, model);
    const admitted = entry.breaker.admit();
    if (!admitted) throw new CircuitOpenError(provider, entry.breaker.retryAfterMs());
    const probe = admitted === 'probe';
    const started = this.clock().getTime();
    try {
      const result = await action();
      entry.breaker.settle('success', tenant, this.clock().getTime() - started, probe);
      return result;
    } catch (err) {
      entry.breaker.settle(outcomeOf(err), tenant, this.clock().getTime() - started, probe);
      throw err;
    }
  }

  private entry(provider: string, model: string): Entry {
    const id = `${provider}/${model}`;
    let entry = this.entries.get(id);
    if (entry) return entry;
    const breaker = new CircuitBreaker(this.settings, () => this.clock().getTime(), (state) => {
      if (state === 'open') this.events.emit('provider.circuit_opened', null, { provider, model, retry_after_ms: this.settings.resetMs });
      else this.events.emit('provider.circuit_closed', null, { provider, model });
    });
    entry = { provider, model, breaker };
    this.entries.set(id, entry);
    return entry;
  }

  status(): BreakerStatus[] {
    return [...this.entries.values()].map((e) => {
      const s = e.breaker.status();
      return {
        provider: e.provider,
        model: e.model,
        state: s.state,
        calls: s.calls,
        failures: s.failures,
        error_rate: s.calls === 0 ? 0 : Math.round((s.failures / s.calls) * 1000) / 1000,
        latency_ms: s.latency,
        retry_after_ms: s.state === 'closed' ? null : e.breaker.retryAfterMs(),
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
}
