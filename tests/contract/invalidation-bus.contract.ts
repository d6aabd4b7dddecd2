import { describe, expect, it } from 'vitest';
import type { Invalidation, InvalidationBus } from '../../repositories/types.js';
import { NEVER_A_HANG_MS } from '../helpers/redis.js';

let seq = 0;
const fresh = () => `c${process.pid}_${Date.now()}_${seq++}`;

/** Resolves with what the bus heard once `done` says it has heard enough; fails rather than hang. */
function listen(bus: InvalidationBus, done: (heard: Invalidation[]) => boolean): { heard: Invalidation[]; until: Promise<void> } {
  const heard: Invalidation[] = [];
  let settle!: () => void;
  const until = new Promise<void>((resolve, reject) => {
    settle = resolve;
    setTimeout(() => reject(new Error(`only ${heard.length} invalidations heard`)), NEVER_A_HANG_MS).unref();
  });
  bus.subscribe((m) => {
    heard.push(m);
    if (done(heard)) settle();
  });
  return { heard, until };
}

/**
 * The behaviour every invalidation bus must have. `open` gives the buses of every instance sharing one transport:
 * one in embedded mode, two for Redis (two instances' connections).
 */
export function invalidationBusContract(name: string, open: () => Promise<{ buses: InvalidationBus[]; ready?: () => Promise<void> }>) {
  describe(`invalidation bus: ${name}`, () => {
    it('tells every instance, itself included, each invalidation once and as sent', async () => {
      const { buses, ready } = await open();
      const ours = fresh();
      const sent: Invalidation[] = [
        { kind: 'key', id: `${ours}-k` },
        { kind: 'tenant', id: `${ours}-t` },
        { kind: 'cache', id: `${ours}-c` },
      ];
      const mine = (m: Invalidation) => m.id.startsWith(ours);
      const listeners = buses.map((bus) => listen(bus, (heard) => heard.filter(mine).length >= sent.length));
      await ready?.();
      for (const m of sent) await buses[0]!.publish(m);
      await Promise.all(listeners.map((l) => l.until));
      for (const l of listeners) expect(l.heard.filter(mine)).toEqual(sent);
      await Promise.all(buses.map((b) => b.close()));
    });

    it('calls every handler subscribed on an instance', async () => {
      const { buses, ready } = await open();
      const id = fresh();
      const first = listen(buses.at(-1)!, (heard) => heard.some((m) => m.id === id));
      const second = listen(buses.at(-1)!, (heard) => heard.some((m) => m.id === id));
      await ready?.();
      await buses[0]!.publish({ kind: 'tenant', id });
      await Promise.all([first.until, second.until]);
      expect(first.heard.filter((m) => m.id === id)).toHaveLength(1);
      expect(second.heard.filter((m) => m.id === id)).toHaveLength(1);
      await Promise.all(buses.map((b) => b.close()));
    });
  });
}
