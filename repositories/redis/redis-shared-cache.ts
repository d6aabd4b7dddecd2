import type { Redis } from 'ioredis';
import { type SharedCache } from '../types.js';
import { orUnavailable } from './redis-client.js';

const GENERATIONS = 'gw:cache:gen';

export class RedisSharedCache implements SharedCache {
  constructor(private readonly redis: Redis) {}

  private call<T>(op: () => Promise<T>): Promise<T> {
    return orUnavailable('cache', op);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.call(() => this.redis.get(`gw:cache:${key}`))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.call(() => this.redis.set(`gw:cache:${key}`, value, 'PX', ttlMs));
  }

  async lock(key: string, ttlMs: number): Promise<boolean> {
    return (await this.call(() => this.redis.set(`gw:cache:lock:${key}`, '1', 'PX', ttlMs, 'NX'))) === 'OK';
  }

  async unlock(key: string): Promise<void> {
    await this.call(() => this.redis.del(`gw:cache:lock:${key}`));
  }

  async generations(names: readonly string[]): Promise<number[]> {
    const values = await this.call(() => this.redis.hmget(GENERATIONS, ...names));
    return values.map((v) => Number(v ?? 0));
  }

  async bump(name: string): Promise<number> {
    return this.call(() => this.redis.hincrby(GENERATIONS, name, 1));
  }
}
