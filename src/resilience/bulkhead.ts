import { ProviderError } from '../../providers/provider.js';

/** Thrown when a provider's bulkhead is full: the next provider is tried, and with none left the answer is OVERLOADED. */
export class BulkheadFullError extends ProviderError {
  constructor(provider: string) {
    super(provider, 'overloaded', `${provider} has too many requests in flight`);
  }
}

/**
 * A concurrency limit with a bounded queue, one per provider, so a slow provider holds at most its own slots and
 * cannot starve the others. Waiting in the queue ends with the request's deadline.
 */
export class Bulkhead {
  private active = 0;
  private readonly waiting: { resolve: () => void; reject: (err: unknown) => void; signal: AbortSignal; onAbort: () => void }[] = [];

  constructor(
    private readonly provider: string,
    private readonly maxConcurrent: number,
    private readonly maxQueue: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(action: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (this.active >= this.maxConcurrent) {
      if (this.waiting.length >= this.maxQueue) throw new BulkheadFullError(this.provider);
      await this.wait(signal);
    } else {
      this.active++;
    }
    try {
      return await action();
    } finally {
      this.release();
    }
  }

  private wait(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = {
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

  /** Hands the slot straight to the next waiter, so `active` never drops below the queue's claim. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      next.signal.removeEventListener('abort', next.onAbort);
      next.resolve();
    } else {
      this.active--;
    }
  }
}
