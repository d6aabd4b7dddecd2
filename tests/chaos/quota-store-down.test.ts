import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEVER_A_HANG_MS, startOwnRedis, type OwnRedis } from '../helpers/redis.js';
import { createTenantWithKey, startTestApp, type TestApp } from '../helpers/test-app.js';

/** Hard quotas fail closed and fast when Redis goes; when it comes back, counters are re-seeded from the ledger. */
describe('quota store down and back', () => {
  let redis: OwnRedis;
  let t: TestApp;
  beforeAll(async () => {
    redis = await startOwnRedis();
    t = await startTestApp({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.kill();
  });

  it('503 QUOTA_STORE_UNAVAILABLE at once; after a restart the ledger re-seeds the counters', async () => {
    const k = await createTenantWithKey(t, { name: 'Quota chaos' });
    const unlimited = await createTenantWithKey(t, { name: 'No quota' });
    await t.app.inject({ method: 'PUT', url: `/admin/tenants/${k.tenantId}/quota`, headers: { authorization: `Bearer ${t.adminKey}` }, payload: { requests_per_month: 6 } });
    const send = (auth = k.auth) => t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: auth, payload: { text: 'ok' } });
    for (let i = 0; i < 4; i++) expect((await send()).statusCode).toBe(200);
    await t.deps.ledger.flush();

    const port = new URL(redis.url).port;
    await redis.kill();
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const res = await send();
      const elapsed = performance.now() - started;
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('QUOTA_STORE_UNAVAILABLE');
      expect(elapsed).toBeLessThan(NEVER_A_HANG_MS);
    }
    // Tenants without a hard quota do not depend on the quota store.
    expect((await send(unlimited.auth)).statusCode).toBe(200);

    redis = await startOwnRedis(Number(port));
    const deadline = Date.now() + 10_000;
    let res = await send();
    while (res.statusCode === 503 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      res = await send();
    }
    // The fresh Redis knew nothing; the ledger's 4 rows were seeded, so 2 more fit and the 7th is refused.
    expect(res.statusCode).toBe(200);
    expect((await send()).statusCode).toBe(200);
    const over = await send();
    expect(over.statusCode).toBe(429);
    expect(over.json().error.details).toMatchObject({ quota: 'requests_per_month', used: 6 });
  });
});
