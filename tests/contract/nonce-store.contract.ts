import { describe, expect, it } from 'vitest';
import type { NonceStore } from '../../repositories/types.js';

let seq = 0;
const fresh = () => `c${process.pid}_${Date.now()}_${seq++}`;

/** The behaviour every replay store must have; run against each implementation. */
export function nonceStoreContract(name: string, open: () => Promise<NonceStore>) {
  describe(`nonce store: ${name}`, () => {
    it('remembers a nonce once: the second use within its time to live is refused', async () => {
      const store = await open();
      const [scope, nonce] = [fresh(), fresh()];
      expect(await store.remember(scope, nonce, 300)).toBe(true);
      expect(await store.remember(scope, nonce, 300)).toBe(false);
      await store.close();
    });

    it('keeps scopes apart: the same nonce under another key is a first use', async () => {
      const store = await open();
      const nonce = fresh();
      expect(await store.remember(fresh(), nonce, 300)).toBe(true);
      expect(await store.remember(fresh(), nonce, 300)).toBe(true);
      await store.close();
    });

    it('admits exactly one of many concurrent uses of one nonce', async () => {
      const store = await open();
      const [scope, nonce] = [fresh(), fresh()];
      const answers = await Promise.all(Array.from({ length: 50 }, () => store.remember(scope, nonce, 300)));
      expect(answers.filter(Boolean)).toHaveLength(1);
      await store.close();
    });

    it('treats scope and nonce as data, never as key syntax', async () => {
      const store = await open();
      const scope = fresh();
      // "a:b" + "c" and "a" + "b:c" must not collide however the store joins them.
      expect(await store.remember(`${scope}:x`, 'y', 300)).toBe(true);
      expect(await store.remember(scope, 'x:y', 300)).toBe(true);
      expect(await store.remember(`${scope}}:{x`, 'y', 300)).toBe(true);
      expect(await store.remember(scope, '}:{x:y', 300)).toBe(true);
      await store.close();
    });
  });
}
