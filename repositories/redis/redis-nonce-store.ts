import type { Redis } from 'ioredis';
import { StoreUnavailableError, type NonceStore } from '../types.js';

export class RedisNonceStore implements NonceStore {
  constructor(private readonly redis: Redis) {}

  async remember(scope: string, nonce: string, ttlSeconds: number): Promise<boolean> {
    // The hash tag keeps one key's nonces on one cluster slot.
    const key = `gw:nonce:{${scope}}:${nonce}`;
    try {
      return (await this.redis.set(key, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    } catch (err) {
      throw new StoreUnavailableError('replay store', { cause: err });
    }
  }

  async close(): Promise<void> {
    // The connection belongs to whoever created it.
  }
}
