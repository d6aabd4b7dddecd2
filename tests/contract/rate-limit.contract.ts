import { describe, expect, it } from 'vitest';
import type { RateLimitStore } from '../../repositories/types.js';

let groupSeq = 0;
const group = () => `t${process.pid}_${Date.now()}_${groupSeq++}`;

/** The behaviour every rate-limit store must have; run against each implementation. */
export function rateLimitContract(name: string, open: () => Promise<RateLimitStore>) {
  describe(`rate-limit store: ${name}`, () => {
    it('admits exactly the limit under concurrency and counts no refused hit', async () => {
      const store = await open();
      const g = group();
      const rule = { name: 'min', limit: 100, windowMs: 3_600_000 };
      const decisions = await Promise.all(Array.from({ length: 300 }, () => store.consume(g, [rule])));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(100);
      const refused = decisions.filter((d) => !d.allowed);
      expect(refused).toHaveLength(200);
      expect(refused.every((d) => d.retryAfterMs > 0 && d.remaining === 0 && d.limit === 100)).toBe(true);
      // Refusals were not counted: a second limit on the same group, larger, still has room for exactly its difference.
      const bigger = await Promise.all(Array.from({ length: 60 }, () => store.consume(g, [{ ...rule, limit: 150 }])));
      expect(bigger.filter((d) => d.allowed)).toHaveLength(50);
      await store.close();
    });

    it('decides several rules together: a full rule refuses and nothing is counted in the others', async () => {
      const store = await open();
      const g = group();
      const perSecond = { name: 'sec', limit: 2, windowMs: 3_600_000 };
      const perMinute = { name: 'min', limit: 5, windowMs: 3_600_000 };
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await store.consume(g, [perSecond, perMinute]));
      expect(results.map((r) => r.allowed)).toEqual([true, true, false, false]);
      // per-minute counted only the two admitted hits
      const alone = [];
      for (let i = 0; i < 4; i++) alone.push((await store.consume(g, [perMinute])).allowed);
      expect(alone).toEqual([true, true, true, false]);
      await store.close();
    });

    it('counts a call by its cost: room for the whole cost or nothing is counted', async () => {
      const store = await open();
      const g = group();
      const events = (cost: number) => ({ name: 'events', limit: 2_500, windowMs: 3_600_000, cost });
      expect(await store.consume(g, [events(1_000)])).toMatchObject({ allowed: true, remaining: 1_500 });
      expect(await store.consume(g, [events(1_000)])).toMatchObject({ allowed: true, remaining: 500 });
      const refused = await store.consume(g, [events(1_000)]);
      expect(refused).toMatchObject({ allowed: false, limit: 2_500 });
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      // The refused 1 000 were not counted: 500 still fit, then nothing.
      expect(await store.consume(g, [events(500)])).toMatchObject({ allowed: true, remaining: 0 });
      expect((await store.consume(g, [events(1)])).allowed).toBe(false);
      // A rule without a cost counts one, beside a costed one.
      const h = group();
      expect(await store.consume(h, [{ name: 'requests', limit: 10, windowMs: 3_600_000 }, events(100)])).toMatchObject({ allowed: true, remaining: 9 });
      await store.close();
    });

    it('reports remaining and reset, and admits again once the window has slid', async () => {
      const store = await open();
      const g = group();
      const rule = { name: 'short', limit: 3, windowMs: 400 };
      const first = await store.consume(g, [rule]);
      expect(first).toMatchObject({ allowed: true, limit: 3, remaining: 2 });
      expect(first.resetMs).toBeGreaterThan(0);
      expect(first.resetMs).toBeLessThanOrEqual(400);
      await store.consume(g, [rule]);
      await store.consume(g, [rule]);
      const refused = await store.consume(g, [rule]);
      expect(refused.allowed).toBe(false);
      await new Promise((r) => setTimeout(r, refused.retryAfterMs + 20));
      expect((await store.consume(g, [rule])).allowed).toBe(true);
      await store.close();
    });
  });
}
