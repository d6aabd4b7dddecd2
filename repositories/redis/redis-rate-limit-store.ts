import type { Redis } from 'ioredis';
import type { RateDecision, RateLimitStore, RateRule } from '../types.js';
import { costOf } from '../sliding-window.js';
import { orUnavailable } from './redis-client.js';

/**
 * One script call per request: reads Redis TIME, rolls every rule's window, refuses (counting nothing) if any rule has no
 * room for the call's cost, otherwise counts it in all of them. Each rule is one hash {s: window start, c: current, p: previous}.
 * Same algorithm as sliding-window.ts.
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local states = {}
local best_remaining, best = nil, nil
for i = 1, n do
  local limit = tonumber(ARGV[i * 3 - 2])
  local window = tonumber(ARGV[i * 3 - 1])
  local cost = tonumber(ARGV[i * 3])
  local start = math.floor(now / window) * window
  local h = redis.call('HMGET', KEYS[i], 's', 'c', 'p')
  local s, c, p = tonumber(h[1]), tonumber(h[2]) or 0, tonumber(h[3]) or 0
  local cur, prev = 0, 0
  if s == start then cur, prev = c, p elseif s == start - window then cur, prev = 0, c end
  local elapsed = now - start
  local used = prev * (window - elapsed) / window + cur
  states[i] = {start, cur, prev, window, cost}
  if used + cost > limit then
    local retry
    local needed = prev > 0 and window * (1 - (limit - cur - cost) / prev) or window + 1
    if cur + cost <= limit and prev > 0 and needed <= window then
      retry = math.max(1, math.ceil(needed - elapsed))
    else
      local in_next = 0
      if cur > 0 then in_next = math.max(0, window * (1 - (limit - cost) / cur)) end
      retry = math.max(1, math.ceil(window - elapsed + in_next))
    end
    return {0, limit, math.max(0, math.floor(limit - used)), start + window - now, retry}
  end
  local remaining = math.max(0, math.floor(limit - used - cost))
  if best_remaining == nil or remaining < best_remaining then
    best_remaining = remaining
    best = {1, limit, remaining, start + window - now, 0}
  end
end
for i = 1, n do
  local st = states[i]
  redis.call('HSET', KEYS[i], 's', st[1], 'c', st[2] + st[5], 'p', st[3])
  redis.call('PEXPIRE', KEYS[i], st[4] * 2)
end
return best
`;

export class RedisRateLimitStore implements RateLimitStore {
  constructor(private readonly redis: Redis) {
    redis.defineCommand('gwRateLimit', { lua: SCRIPT });
  }

  async consume(group: string, rules: readonly RateRule[]): Promise<RateDecision> {
    // The hash tag puts every rule of a group on one cluster slot, so one script may touch them all.
    const keys = rules.map((r) => `gw:rl:{${group}}:${r.name}`);
    const args = rules.flatMap((r) => [r.limit, r.windowMs, costOf(r)]);
    const script = this.redis as unknown as { gwRateLimit(n: number, ...a: (string | number)[]): Promise<number[]> };
    const reply = await orUnavailable('rate-limit store', () => script.gwRateLimit(keys.length, ...keys, ...args));
    const [allowed, limit, remaining, resetMs, retryAfterMs] = reply.map(Number) as [number, number, number, number, number];
    return { allowed: allowed === 1, limit, remaining, resetMs, retryAfterMs };
  }

  async close(): Promise<void> {}
}
