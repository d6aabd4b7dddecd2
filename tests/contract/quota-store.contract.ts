import { describe, expect, it } from 'vitest';
import type { QuotaStore } from '../../repositories/types.js';

let seq = 0;
const group = () => `q${process.pid}_${Date.now()}_${seq++}`;

/** Behaviour every quota store must have; run against each implementation. */
export function quotaStoreContract(name: string, open: () => Promise<{ store: QuotaStore; close(): Promise<void> }>) {
  describe(`quota store: ${name}`, () => {
    it('asks to be seeded first; seeding never overwrites a live counter', async () => {
      const { store, close } = await open();
      const g = group();
      const counter = { key: 'requests:m', limit: 10, amount: 1, ttlSeconds: 60 };
      expect(await store.reserve(g, 'seeded', [counter])).toEqual({ status: 'unseeded' });
      await store.seed(g, 'seeded', [{ key: 'requests:m', value: 4, ttlSeconds: 60 }]);
      expect(await store.reserve(g, 'seeded', [counter])).toEqual({ status: 'reserved', used: [5] });
      await store.seed(g, 'seeded', [{ key: 'requests:m', value: 0, ttlSeconds: 60 }]);
      expect(await store.read(g, ['requests:m', 'absent'])).toEqual([5, 0]);
      await close();
    });

    it('reserves exactly up to the limit under concurrency, all counters or none', async () => {
      const { store, close } = await open();
      const g = group();
      await store.seed(g, 'm', []);
      const counters = [
        { key: 'requests', limit: 100, amount: 1, ttlSeconds: 60 },
        { key: 'tokens', limit: 10_000, amount: 50, ttlSeconds: 60 },
      ];
      const outcomes = await Promise.all(Array.from({ length: 250 }, () => store.reserve(g, 'm', counters)));
      expect(outcomes.filter((o) => o.status === 'reserved')).toHaveLength(100);
      const refused = outcomes.find((o) => o.status === 'exceeded');
      expect(refused).toEqual({ status: 'exceeded', key: 'requests', used: 100 });
      expect(await store.read(g, ['requests', 'tokens'])).toEqual([100, 5_000]);
      await close();
    });

    it('lets one caller claim a key until it expires', async () => {
      const { store, close } = await open();
      const g = group();
      const claims = await Promise.all(Array.from({ length: 20 }, () => store.claim(g, 'event:80', 60)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      await close();
    });

    it('settles a reservation to the actual amount', async () => {
      const { store, close } = await open();
      const g = group();
      await store.seed(g, 'm', []);
      await store.reserve(g, 'm', [{ key: 'tokens', limit: 1000, amount: 600, ttlSeconds: 60 }]);
      expect((await store.reserve(g, 'm', [{ key: 'tokens', limit: 1000, amount: 600, ttlSeconds: 60 }])).status).toBe('exceeded');
      await store.settle(g, [{ key: 'tokens', delta: -450, ttlSeconds: 60 }]);
      expect(await store.read(g, ['tokens'])).toEqual([150]);
      expect((await store.reserve(g, 'm', [{ key: 'tokens', limit: 1000, amount: 600, ttlSeconds: 60 }])).status).toBe('reserved');
      await close();
    });
  });
}
