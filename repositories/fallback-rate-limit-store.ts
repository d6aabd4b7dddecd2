import { MemoryRateLimitStore } from './memory/memory-rate-limit-store.js';
import { StoreUnavailableError, type RateDecision, type RateLimitStore, type RateRule } from './types.js';

/**
 * The failure policy for request rate limits: when the shared store cannot answer, each instance enforces its share
 * (limit ÷ instances) locally, so traffic keeps flowing and the cluster-wide total stays near the limit.
 */
export class FallbackRateLimitStore implements RateLimitStore {
  private readonly local = new MemoryRateLimitStore();
  private degraded = false;

  constructor(
    private readonly shared: RateLimitStore,
    private readonly instances: number,
    private readonly onModeChange: (degraded: boolean, err?: unknown) => void,
  ) {}

  async consume(group: string, rules: readonly RateRule[]): Promise<RateDecision> {
    try {
      const decision = await this.shared.consume(group, rules);
      if (this.degraded) this.setDegraded(false);
      return decision;
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      if (!this.degraded) this.setDegraded(true, err);
      const share = rules.map((r) => ({ ...r, limit: Math.max(1, Math.floor(r.limit / this.instances)) }));
      return this.local.consume(group, share);
    }
  }

  private setDegraded(degraded: boolean, err?: unknown): void {
    this.degraded = degraded;
    this.onModeChange(degraded, err);
  }

  async close(): Promise<void> {
    await this.shared.close();
  }
}
