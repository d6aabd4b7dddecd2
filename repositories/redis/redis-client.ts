import { Redis, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../types.js';

/**
 * Options for connections on the request path: no offline queue and short command timeouts, so a dead or paused
 * Redis turns into a fast error instead of a hanging request.
 */
export const REQUEST_PATH_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  commandTimeout: 150,
  connectTimeout: 1_000,
  maxRetriesPerRequest: 0,
  lazyConnect: true,
  // Keep trying in the background, never more often than every 2 s.
  retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
};

export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { ...REQUEST_PATH_OPTIONS, ...options });
}

/** Connects, but never fails the boot: a Redis that is down now may be back soon, and readiness reports it. */
export async function connectQuietly(redis: Redis, onError: (err: unknown) => void): Promise<void> {
  redis.on('error', onError);
  try {
    await redis.connect();
  } catch (err) {
    onError(err);
  }
}

export async function closeRedis(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/** Any Redis failure (refused, timed out, no connection) becomes the store-level error callers decide on. */
export async function orUnavailable<T>(store: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw new StoreUnavailableError(store, { cause: err });
  }
}
