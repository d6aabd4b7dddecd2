import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEVER_A_HANG_MS, startOwnRedis, type OwnRedis } from '../helpers/redis.js';
import { signedInject } from '../helpers/signed.js';
import { createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

/** The gateway must fail closed, and fast, when the nonce store disappears: never a 2xx for an unrecorded nonce. */
describe('replay store down', () => {
  let redis: OwnRedis;
  let t: TestApp;
  let signed: TenantWithKey;
  let bearer: TenantWithKey;
  const call = () => signedInject(t.app, { url: '/v1/sentiment', body: JSON.stringify({ text: 'good' }), keyId: signed.keyId, secret: signed.key });

  beforeAll(async () => {
    redis = await startOwnRedis();
    t = await startTestApp({ env: { REDIS_URL: redis.url } });
    signed = await createTenantWithKey(t, { name: 'Chaos' }, { name: 'b2b', mode: 'signed' });
    bearer = await createTenantWithKey(t, { name: 'Chaos bearer' });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.kill();
  });

  it('answers 503 REPLAY_STORE_UNAVAILABLE fast once Redis is killed; bearer keys keep working', async () => {
    expect((await call()).statusCode).toBe(200);
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json().checks.redis).toBe('ok');
    await redis.kill();
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const res = await call();
      const elapsed = performance.now() - started;
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('REPLAY_STORE_UNAVAILABLE');
      expect(elapsed).toBeLessThan(NEVER_A_HANG_MS);
    }
    const viaBearer = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: bearer.auth, payload: { text: 'good' } });
    expect(viaBearer.statusCode).toBe(200);
    const notReady = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json().checks.redis).toBe('unavailable');
  });

  it('a paused Redis (SIGSTOP) is cut off by the command timeout: 503, never a hang', async () => {
    const paused = await startOwnRedis();
    const app = await startTestApp({ env: { REDIS_URL: paused.url } });
    try {
      const k = await createTenantWithKey(app, { name: 'Paused' }, { name: 'b2b', mode: 'signed' });
      const send = () => signedInject(app.app, { url: '/v1/sentiment', body: JSON.stringify({ text: 'good' }), keyId: k.keyId, secret: k.key });
      expect((await send()).statusCode).toBe(200);
      process.kill(paused.process.pid!, 'SIGSTOP');
      const started = performance.now();
      const res = await send();
      const elapsed = performance.now() - started;
      expect(res.json().error.code).toBe('REPLAY_STORE_UNAVAILABLE');
      expect(elapsed).toBeLessThan(NEVER_A_HANG_MS);
    } finally {
      process.kill(paused.process.pid!, 'SIGCONT');
      await app.close();
      await paused.kill();
    }
  });
});
