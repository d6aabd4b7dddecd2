import type { Redis } from 'ioredis';
import type { NonceStore } from '../types.js';
import { orUnavailable } from './redis-client.js';

export class RedisNonceStore implements NonceStore {
  constructor(private readonly redis: Redis) {}

  async remember(scope: string, nonce: string, ttlSeconds: number): Promise<boolean> {
    // The hash tag keeps one key's nonces on one cluster slot; the scope, encoded, holds no '}' to end it early (key
    // ids are unchanged by the encoding, so keys written before it still match).
    const key = `gw:nonce:{${encodeURIComponent(scope)}}:${nonce}`;
    return (await orUnavailable('replay store', () => this.redis.set(key, '1', 'EX', ttlSeconds, 'NX'))) === 'OK';
  }

  async close(): Promise<void> {
    // The connection belongs to whoever created it.
  }
}
