import { ProviderError } from '../../providers/provider.js';

/** Thrown when a provider's bulkhead is full: the next provider is tried, and with none left the answer is OVERLOADED. */
export class BulkheadFullError extends ProviderError {
  constructor(provider: string, why = 'has too many requests in flight') {
    super(provider, 'overloaded', `${provider} ${why}`);
  }
}

interface Waiter {
  tenant: string;
  resolve: () => void;
  reject: (err: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

interface Share {
  active: number;
  queued: number;
}

/**
 * A concurrency limit with a bounded queue, one per provider, so a slow provider holds at most its own slots and
 * cannot starve the others. One tenant holds at most its share of the slots and of the queue, and a freed slot goes to
 * the longest waiter whose tenant is under its share, so a tenant whose calls hang (or who floods) leaves the rest to
 * the others. Waiting in the queue ends with the request's deadline.
 */
export class Bulkhead {
  private active = 0;
  private readonly waiting: Waiter[] = [];
  /** Per tenant with something in flight or queued; an entry goes when both reach zero. */
  private readonly shares = new Map<string, Share>();
  private readonly maxActivePerTenant: number;
  private readonly maxQueuedPerTenant: number;

  constructor(
    private readonly provider: string,
    private readonly maxConcurrent: number,
    private readonly maxQueue: number,
    tenantShare = 1,
  ) {
    this.maxActivePerTenant = Math.max(1, Math.ceil(maxConcurrent * tenantShare));
    this.maxQueuedPerTenant = Math.ceil(maxQueue * tenantShare);
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(action: () => Promise<T>, signal: AbortSignal, tenant = ''): Promise<T> {
    const share = this.shares.get(tenant) ?? { active: 0, queued: 0 };
    if (this.active < this.maxConcurrent && share.active < this.maxActivePerTenant) {
      this.active++;
      share.active++;
      this.shares.set(tenant, share);
    } else {
      if (this.waiting.length >= this.maxQueue) throw new BulkheadFullError(this.provider);
      if (share.queued >= this.maxQueuedPerTenant) throw new BulkheadFullError(this.provider, 'has no room left for this tenant');
      share.queued++;
      this.shares.set(tenant, share);
      try {
        await this.wait(signal, tenant);
      } finally {
        share.queued--;
        this.forgetIfIdle(tenant, share);
      }
    }
    try {
      return await action();
    } finally {
      share.active--;
      this.active--;
      this.forgetIfIdle(tenant, share);
      this.handOver();
    }
  }

  private forgetIfIdle(tenant: string, share: Share): void {
    if (share.active === 0 && share.queued === 0) this.shares.delete(tenant);
  }

  private wait(signal: AbortSignal, tenant: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry: Waiter = {
        tenant,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal.reason as Error);
        },
      };
      if (signal.aborted) return reject(signal.reason as Error);
      signal.addEventListener('abort', entry.onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  /** Gives a free slot to the longest waiter whose tenant is under its share (the queue is bounded, so is the scan). */
  private handOver(): void {
    if (this.active >= this.maxConcurrent) return;
    const i = this.waiting.findIndex((w) => (this.shares.get(w.tenant)?.active ?? 0) < this.maxActivePerTenant);
    if (i < 0) return;
    const [next] = this.waiting.splice(i, 1) as [Waiter];
    next.signal.removeEventListener('abort', next.onAbort);
    const share = this.shares.get(next.tenant)!;
    share.active++;
    this.active++;
    next.resolve();
  }
}
