import type { Redis } from 'ioredis';
import type { Invalidation, InvalidationBus } from '../types.js';

const CHANNEL = 'gw:invalidate';

function parse(raw: string): Invalidation | undefined {
  try {
    const m = JSON.parse(raw) as Partial<Invalidation>;
    if ((m.kind === 'key' || m.kind === 'tenant' || m.kind === 'cache') && typeof m.id === 'string') return { kind: m.kind, id: m.id };
  } catch {
    // ignore what another version may send
  }
  return undefined;
}

/**
 * Pub/sub on a connection of its own (a subscribed connection can do nothing else). The publishing side uses the
 * request-path connection; a lost message is covered by the caches' short time to live.
 */
export class RedisInvalidationBus implements InvalidationBus {
  private readonly handlers: ((m: Invalidation) => void)[] = [];

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly onError: (err: unknown) => void,
  ) {
    subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== CHANNEL) return;
      const message = parse(raw);
      if (message) for (const h of this.handlers) h(message);
    });
    subscriber.subscribe(CHANNEL).catch(onError);
  }

  async publish(message: Invalidation): Promise<void> {
    // Local caches are cleared by the caller; other instances hear it here or see it expire.
    await this.publisher.publish(CHANNEL, JSON.stringify(message)).catch(this.onError);
  }

  subscribe(handler: (message: Invalidation) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
  }
}
