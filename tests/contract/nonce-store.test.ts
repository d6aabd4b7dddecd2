import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { MemoryNonceStore } from '../../repositories/memory/memory-nonce-store.js';
import { RedisNonceStore } from '../../repositories/redis/redis-nonce-store.js';
import { REDIS_URL, redisAvailable } from '../helpers/redis.js';
import { nonceStoreContract } from './nonce-store.contract.js';

nonceStoreContract('memory', async () => new MemoryNonceStore());

describe('nonce store: memory, on its injected clock', () => {
  it('accepts a nonce again once its time to live has passed, and not a millisecond before', async () => {
    let now = Date.parse('2026-12-31T23:59:59Z');
    const store = new MemoryNonceStore(() => now);
    expect(await store.remember('k', 'n', 300)).toBe(true);
    now += 299_999;
    expect(await store.remember('k', 'n', 300)).toBe(false);
    now += 1;
    expect(await store.remember('k', 'n', 300)).toBe(true);
    await store.close();
  });
});

if (await redisAvailable()) {
  nonceStoreContract('redis', async () => {
    const redis = new Redis(REDIS_URL, { enableOfflineQueue: true });
    const store = new RedisNonceStore(redis);
    return { remember: (s, n, t) => store.remember(s, n, t), close: async () => void redis.disconnect() };
  });
} else describe.skip('nonce store: redis (no server answered; set REDIS_URL)', () => it('skipped', () => undefined));
