import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEVER_A_HANG_MS, startOwnRedis, type OwnRedis } from '../helpers/redis.js';
import { createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

/** A paused Redis (SIGSTOP) must cost a request at most one command timeout, and never an error. */
describe('answer cache with a paused Redis', () => {
  let redis: OwnRedis;
  let t: TestApp;
  let k: TenantWithKey;
  beforeAll(async () => {
    redis = await startOwnRedis();
    t = await startTestApp({ env: { REDIS_URL: redis.url } });
    k = await createTenantWithKey(t, { name: 'Paused cache' });
  });
  afterAll(async () => {
    process.kill(redis.process.pid!, 'SIGCONT');
    await t?.close();
    await redis?.kill();
  });

  const ask = (text: string) => t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: k.auth, payload: { text } });

  it('costs one command timeout at most, then serves from L1 alone', async () => {
    expect((await ask('warm up the path')).statusCode).toBe(200);
    expect((await ask('cached before the pause')).headers['x-gateway-cache']).toBe('MISS');
    process.kill(redis.process.pid!, 'SIGSTOP');
    const timings: number[] = [];
    for (const text of ['first after the pause', 'second after the pause', 'cached before the pause']) {
      const started = performance.now();
      const res = await ask(text);
      timings.push(performance.now() - started);
      expect(res.statusCode).toBe(200);
    }
    // One command timeout at most, on the first request; the next ones skip L2 entirely, so together they cost less
    // than that one wait (a ratio inside the run, which a loaded machine stretches on both sides alike).
    expect(timings[0]).toBeLessThan(NEVER_A_HANG_MS);
    expect(timings[1]! + timings[2]!).toBeLessThan(timings[0]!);
    expect((await ask('cached before the pause')).headers['x-gateway-cache']).toBe('HIT');
    expect(t.logs.some((l) => l.includes('L2 cache unavailable'))).toBe(true);
  });
});
