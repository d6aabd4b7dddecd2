import type { Redis } from 'ioredis';
import { type QuotaCounter, type QuotaStore, type ReserveOutcome } from '../types.js';
import { orUnavailable } from './redis-client.js';

/** KEYS: counters…, marker. ARGV: per counter limit, amount, ttl. Check all, then add all: one atomic step. */
const RESERVE = `
local n = #KEYS - 1
if redis.call('EXISTS', KEYS[n + 1]) == 0 then return {-1} end
for i = 1, n do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used + tonumber(ARGV[i * 3 - 1]) > tonumber(ARGV[i * 3 - 2]) then return {0, i, used} end
end
local out = {1}
for i = 1, n do
  out[i + 1] = redis.call('INCRBY', KEYS[i], ARGV[i * 3 - 1])
  redis.call('EXPIRE', KEYS[i], ARGV[i * 3])
end
return out
`;

const key = (group: string, k: string) => `gw:q:{${group}}:${k}`;

export class RedisQuotaStore implements QuotaStore {
  constructor(private readonly redis: Redis) {
    redis.defineCommand('gwQuotaReserve', { lua: RESERVE });
  }

  private call<T>(op: () => Promise<T>): Promise<T> {
    return orUnavailable('quota store', op);
  }

  async reserve(group: string, marker: string, counters: readonly QuotaCounter[]): Promise<ReserveOutcome> {
    const keys = [...counters.map((c) => key(group, c.key)), key(group, marker)];
    const args = counters.flatMap((c) => [c.limit, c.amount, c.ttlSeconds]);
    const reply = await this.call(
      () => (this.redis as unknown as { gwQuotaReserve(n: number, ...a: (string | number)[]): Promise<number[]> }).gwQuotaReserve(keys.length, ...keys, ...args),
    );
    if (reply[0] === -1) return { status: 'unseeded' };
    if (reply[0] === 0) return { status: 'exceeded', key: counters[Number(reply[1]) - 1]!.key, used: Number(reply[2]) };
    return { status: 'reserved', used: reply.slice(1).map(Number) };
  }

  async claim(group: string, k: string, ttlSeconds: number): Promise<boolean> {
    return (await this.call(() => this.redis.set(key(group, k), '1', 'EX', ttlSeconds, 'NX'))) === 'OK';
  }

  async settle(group: string, deltas: readonly { key: string; delta: number; ttlSeconds: number }[]): Promise<void> {
    const tx = this.redis.multi();
    for (const d of deltas) {
      if (d.delta === 0) continue;
      tx.incrby(key(group, d.key), d.delta).expire(key(group, d.key), d.ttlSeconds);
    }
    await this.call(() => tx.exec());
  }

  async seed(group: string, marker: string, values: readonly { key: string; value: number; ttlSeconds: number }[]): Promise<void> {
    const tx = this.redis.multi();
    for (const v of values) tx.set(key(group, v.key), v.value, 'EX', v.ttlSeconds, 'NX');
    tx.set(key(group, marker), '1', 'EX', 2 * 86_400);
    await this.call(() => tx.exec());
  }

  async forget(group: string, keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.call(() => this.redis.del(...keys.map((k) => key(group, k))));
  }

  async read(group: string, keys: readonly string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const values = await this.call(() => this.redis.mget(...keys.map((k) => key(group, k))));
    return values.map((v) => Number(v ?? 0));
  }
}
