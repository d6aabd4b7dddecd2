import { Redis } from 'ioredis';
import { describe, it } from 'vitest';
import { MemoryRateLimitStore } from '../../repositories/memory/memory-rate-limit-store.js';
import { RedisRateLimitStore } from '../../repositories/redis/redis-rate-limit-store.js';
import { REDIS_URL, redisAvailable } from '../helpers/redis.js';
import { rateLimitContract } from './rate-limit.contract.js';

rateLimitContract('memory', async () => new MemoryRateLimitStore());

if (await redisAvailable()) {
  rateLimitContract('redis', async () => {
    const redis = new Redis(REDIS_URL, { enableOfflineQueue: true });
    const store = new RedisRateLimitStore(redis);
    return { consume: (g, r) => store.consume(g, r), close: async () => void redis.disconnect() };
  });
} else describe.skip('rate-limit store: redis (no server answered; set REDIS_URL)', () => it('skipped', () => undefined));
