import { Redis } from 'ioredis';
import { describe, it } from 'vitest';
import { MemoryInvalidationBus } from '../../repositories/memory/memory-invalidation-bus.js';
import { RedisInvalidationBus } from '../../repositories/redis/redis-invalidation-bus.js';
import { REDIS_URL, redisAvailable } from '../helpers/redis.js';
import { invalidationBusContract } from './invalidation-bus.contract.js';

invalidationBusContract('memory', async () => ({ buses: [new MemoryInvalidationBus()] }));

if (await redisAvailable()) {
  invalidationBusContract('redis', async () => {
    const connections: Redis[] = [];
    const connect = () => connections[connections.push(new Redis(REDIS_URL, { enableOfflineQueue: true })) - 1]!;
    const buses = [0, 1].map(() => new RedisInvalidationBus(connect(), connect(), () => undefined));
    // Subscribing is asynchronous (a message sent before it completes is lost by design: caches expire): probe until
    // every instance hears one.
    const ready = async () => {
      const probe = `probe-${process.pid}-${Date.now()}`;
      const heard = new Set<number>();
      buses.forEach((bus, i) => bus.subscribe((m) => void (m.id === probe && heard.add(i))));
      while (heard.size < buses.length) {
        await buses[0]!.publish({ kind: 'cache', id: probe });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    let open = buses.length;
    const closing = buses.map((bus) => ({
      publish: bus.publish.bind(bus),
      subscribe: bus.subscribe.bind(bus),
      close: async () => {
        await bus.close();
        if (--open === 0) for (const c of connections) c.disconnect();
      },
    }));
    return { buses: closing, ready };
  });
} else describe.skip('invalidation bus: redis (no server answered; set REDIS_URL)', () => it('skipped', () => undefined));
