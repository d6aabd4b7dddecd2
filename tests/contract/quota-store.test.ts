import { Redis } from 'ioredis';
import { describe, it } from 'vitest';
import { MemoryQuotaStore } from '../../repositories/memory/memory-quota-store.js';
import { RedisQuotaStore } from '../../repositories/redis/redis-quota-store.js';
import { REDIS_URL, redisAvailable } from '../helpers/redis.js';
import { quotaStoreContract } from './quota-store.contract.js';

quotaStoreContract('memory', async () => ({ store: new MemoryQuotaStore(), close: async () => undefined }));

if (await redisAvailable()) {
  quotaStoreContract('redis', async () => {
    const redis = new Redis(REDIS_URL, { enableOfflineQueue: true });
    return { store: new RedisQuotaStore(redis), close: async () => void redis.disconnect() };
  });
} else describe.skip('quota store: redis (no server answered; set REDIS_URL)', () => it('skipped', () => undefined));
