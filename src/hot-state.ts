import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { MemoryInvalidationBus } from '../repositories/memory/memory-invalidation-bus.js';
import { MemoryNonceStore } from '../repositories/memory/memory-nonce-store.js';
import { MemoryQuotaStore } from '../repositories/memory/memory-quota-store.js';
import { MemoryRateLimitStore } from '../repositories/memory/memory-rate-limit-store.js';
import { FallbackRateLimitStore } from '../repositories/fallback-rate-limit-store.js';
import { RedisInvalidationBus } from '../repositories/redis/redis-invalidation-bus.js';
import { RedisNonceStore } from '../repositories/redis/redis-nonce-store.js';
import { RedisQuotaStore } from '../repositories/redis/redis-quota-store.js';
import { RedisRateLimitStore } from '../repositories/redis/redis-rate-limit-store.js';
import { RedisSharedCache } from '../repositories/redis/redis-shared-cache.js';
import { closeRedis, connectQuietly, createRedis } from '../repositories/redis/redis-client.js';
import type { InvalidationBus, NonceStore, QuotaStore, RateLimitStore, SharedCache } from '../repositories/types.js';
import type { Config } from './config.js';

export interface HotState {
  redis: Redis | undefined;
  nonces: NonceStore;
  rateLimits: RateLimitStore;
  quotas: QuotaStore;
  shared: SharedCache | undefined;
  bus: InvalidationBus;
  close(): Promise<void>;
}

/** Redis when configured (shared across instances), in-process otherwise. */
export async function openHotState(config: Config, logger: FastifyBaseLogger): Promise<HotState> {
  const url = config.storage.redisUrl;
  if (!url) {
    const nonces = new MemoryNonceStore();
    return {
      redis: undefined,
      nonces,
      rateLimits: new MemoryRateLimitStore(),
      quotas: new MemoryQuotaStore(),
      shared: undefined,
      bus: new MemoryInvalidationBus(),
      close: () => nonces.close(),
    };
  }
  const onError = (err: unknown) => logger.warn({ err: { message: (err as Error).message } }, 'redis connection problem');
  const redis = createRedis(url);
  // The subscriber is off the request path: it may queue its SUBSCRIBE until Redis answers.
  const subscriber = createRedis(url, { enableOfflineQueue: true, commandTimeout: undefined });
  await Promise.all([connectQuietly(redis, onError), connectQuietly(subscriber, onError)]);
  const bus = new RedisInvalidationBus(redis, subscriber, onError);
  const rateLimits = new FallbackRateLimitStore(new RedisRateLimitStore(redis), config.rateLimits.fallbackInstances, (degraded) =>
    degraded
      ? logger.warn({ instances: config.rateLimits.fallbackInstances }, 'rate limits enforced locally: redis unavailable')
      : logger.info('rate limits shared through redis again'),
  );
  return {
    redis,
    nonces: new RedisNonceStore(redis),
    rateLimits,
    // Hard quotas have no fallback: with Redis away they fail closed (503 QUOTA_STORE_UNAVAILABLE).
    quotas: new RedisQuotaStore(redis),
    shared: new RedisSharedCache(redis),
    bus,
    async close() {
      await bus.close();
      await closeRedis(redis);
    },
  };
}

