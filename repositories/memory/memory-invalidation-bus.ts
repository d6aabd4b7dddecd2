import type { Invalidation, InvalidationBus } from '../types.js';

/** Embedded mode has one instance: its caches are cleared by the caller, so there is no one else to tell. */
export class MemoryInvalidationBus implements InvalidationBus {
  private readonly handlers: ((m: Invalidation) => void)[] = [];

  async publish(message: Invalidation): Promise<void> {
    for (const h of this.handlers) h(message);
  }

  subscribe(handler: (message: Invalidation) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {}
}
