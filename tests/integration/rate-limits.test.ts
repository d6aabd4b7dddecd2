import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedis, type OwnRedis } from '../helpers/redis.js';
import { awayFromMinuteEdge } from '../helpers/windows.js';
import { createTenantWithKey, startTestApp, type TestApp } from '../helpers/test-app.js';
import { signedInject } from '../helpers/signed.js';

const sentiment = (t: TestApp, auth: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: auth, payload: { text: 'fine' } });

describe('rate limits (embedded)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ file: { rate_limits: { per_key: { per_minute: 5 }, per_tenant: { per_minute: 8 } } } });
  });
  afterAll(() => t.close());

  it('per key, then per tenant; 429 RATE_LIMITED with Retry-After and RateLimit-* headers', async () => {
    await awayFromMinuteEdge();
    const a = await createTenantWithKey(t, { name: 'Limited' });
    const first = await sentiment(t, a.auth);
    expect(first.headers['ratelimit-limit']).toBe('5');
    expect(first.headers['ratelimit-remaining']).toBe('4');
    expect(Number(first.headers['ratelimit-reset'])).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) expect((await sentiment(t, a.auth)).statusCode).toBe(200);
    const limited = await sentiment(t, a.auth);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-remaining']).toBe('0');

    // A second key of the same tenant has its own 5, but the tenant's 8 caps both.
    const second = await t.app.inject({ method: 'POST', url: `/admin/tenants/${a.tenantId}/keys`, headers: { authorization: `Bearer ${t.adminKey}` }, payload: { name: 'second' } });
    const auth2 = { authorization: `Bearer ${second.json().secret}` };
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await sentiment(t, auth2)).statusCode);
    expect(results).toEqual([200, 200, 200, 429, 429]);
  });

  it('counts a signed request only once its signature is verified: forged ones cannot spend the limit', async () => {
    await awayFromMinuteEdge();
    const s = await createTenantWithKey(t, { name: 'Signed limited' }, { name: 'b2b', mode: 'signed' });
    const body = JSON.stringify({ text: 'fine' });
    const call = (secret: string) => signedInject(t.app, { url: '/v1/sentiment', body, keyId: s.keyId, secret });
    for (let i = 0; i < 8; i++) {
      const forged = await call('not-the-secret-of-this-key-000000');
      expect(forged.statusCode).toBe(401);
      expect(forged.headers['ratelimit-limit']).toBeUndefined();
    }
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(s.key)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

// Exactness across instances: tests/integration/two-processes.test.ts (two real gateway processes).

describe('rate limits when Redis dies', () => {
  let redis: OwnRedis;
  let t: TestApp;
  beforeAll(async () => {
    redis = await startOwnRedis();
    t = await startTestApp({ env: { REDIS_URL: redis.url }, file: { rate_limits: { per_key: { per_minute: 10 }, fallback_instances: 2 } } });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.kill();
  });

  it('keeps serving within limit ÷ instances, enforced locally', async () => {
    await awayFromMinuteEdge();
    const k = await createTenantWithKey(t, { name: 'Fallback' });
    expect((await sentiment(t, k.auth)).headers['ratelimit-limit']).toBe('10');
    await redis.kill();
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await sentiment(t, k.auth)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(t.logs.some((l) => l.includes('rate limits enforced locally'))).toBe(true);
  });
});
