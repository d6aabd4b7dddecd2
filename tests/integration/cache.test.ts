import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, postgresDatabase } from '../helpers/databases.js';
import { FakeOpenAi } from '../helpers/fake-openai.js';
import { REDIS_URL, redisAvailable } from '../helpers/redis.js';
import { createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

const ask = (t: TestApp, k: TenantWithKey, text: string, options: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: k.auth, payload: { text, options: { providers: ['openai'], ...options } } });

describe('answer cache (embedded: L1 only)', () => {
  const upstream = new FakeOpenAi();
  let t: TestApp;
  let a: TenantWithKey;
  let b: TenantWithKey;
  beforeAll(async () => {
    t = await startTestApp({ env: { OPENAI_BASE_URL: await upstream.start() } });
    a = await createTenantWithKey(t, { name: 'A' });
    b = await createTenantWithKey(t, { name: 'B' });
  });
  afterAll(async () => {
    await t?.close();
    await upstream.close();
  });

  it('MISS then HIT for the same normalised input; never across tenants; bypass and refresh reach the upstream', async () => {
    const calls = () => upstream.requests.length;
    const before = calls();
    const first = await ask(t, a, 'The parcel  arrived early');
    expect(first.headers['x-gateway-cache']).toBe('MISS');
    expect(first.json().meta.cached).toBe(false);
    const second = await ask(t, a, ' The parcel arrived early ');
    expect(second.headers['x-gateway-cache']).toBe('HIT');
    expect(second.json().meta).toMatchObject({ cached: true, provider: 'openai', usage: { input_tokens: 0, output_tokens: 0, cost_micros: 0 } });
    expect(second.json().label).toBe(first.json().label);
    expect(calls()).toBe(before + 1);

    expect((await ask(t, b, 'The parcel arrived early')).headers['x-gateway-cache']).toBe('MISS');
    expect(calls()).toBe(before + 2);

    expect((await ask(t, a, 'The parcel arrived early', { cache: 'bypass' })).headers['x-gateway-cache']).toBe('BYPASS');
    expect((await ask(t, a, 'The parcel arrived early', { cache: 'refresh' })).headers['x-gateway-cache']).toBe('MISS');
    expect(calls()).toBe(before + 4);
    // A different provider chain is a different key.
    expect((await ask(t, a, 'The parcel arrived early', { providers: ['local'] })).headers['x-gateway-cache']).toBe('MISS');
  });

  it('100 concurrent identical misses make exactly one upstream call', async () => {
    const before = upstream.requests.length;
    upstream.plan('slow');
    const answers = await Promise.all(Array.from({ length: 100 }, () => ask(t, a, 'one flight only')));
    expect(answers.every((r) => r.statusCode === 200)).toBe(true);
    expect(upstream.requests.length).toBe(before + 1);
    expect(answers.filter((r) => r.headers['x-gateway-cache'] === 'MISS')).toHaveLength(1);
  });

  it('warming computes and caches answers so the first live request is a hit', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/cache/warm',
      headers: { authorization: `Bearer ${t.adminKey}` },
      payload: { tenant_id: a.tenantId, task: 'sentiment', inputs: [{ text: 'warmed ahead' }, { text: '' }, { nope: 1 }] },
    });
    expect(res.json()).toEqual({ warmed: 1, failed: [{ index: 1, code: 'VALIDATION_FAILED' }, { index: 2, code: 'VALIDATION_FAILED' }] });
    const live = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: a.auth, payload: { text: 'warmed ahead' } });
    expect(live.headers['x-gateway-cache']).toBe('HIT');
  });

  it('purge makes a tenant\'s answers unreachable and leaves other tenants\' alone', async () => {
    await ask(t, a, 'purge me');
    await ask(t, b, 'purge me');
    const purged = await t.app.inject({ method: 'POST', url: '/admin/cache/purge', headers: { authorization: `Bearer ${t.adminKey}` }, payload: { tenant_id: a.tenantId } });
    expect(purged.json()).toEqual({ purged: true });
    expect((await ask(t, a, 'purge me')).headers['x-gateway-cache']).toBe('MISS');
    expect((await ask(t, b, 'purge me')).headers['x-gateway-cache']).toBe('HIT');
  });
});

const shared = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!shared)('answer cache across two instances (L1 + Redis L2)', () => {
  const upstream = new FakeOpenAi();
  const db = postgresDatabase();
  let a: TestApp;
  let b: TestApp;
  let k: TenantWithKey;
  beforeAll(async () => {
    const url = await upstream.start();
    a = await startTestApp({ env: { REDIS_URL, OPENAI_BASE_URL: url, LOG_LEVEL: 'warn' }, overrides: { repos: await db.open() } });
    b = await startTestApp({ env: { REDIS_URL, OPENAI_BASE_URL: url, LOG_LEVEL: 'warn' }, overrides: { repos: await db.open() } });
    k = await createTenantWithKey(a, { name: 'Shared cache' });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await db.cleanup();
    await upstream.close();
  });

  it('an answer cached by one instance is a hit on the other; 100 concurrent misses over both make one upstream call', async () => {
    await ask(a, k, 'shared answer');
    expect((await ask(b, k, 'shared answer')).headers['x-gateway-cache']).toBe('HIT');
    const before = upstream.requests.length;
    upstream.plan('slow');
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => ask(i % 2 ? a : b, k, 'stampede')));
    expect(answers.every((r) => r.statusCode === 200)).toBe(true);
    expect(upstream.requests.length).toBe(before + 1);
  });

  it('a purge on one instance is seen by the other', async () => {
    await ask(a, k, 'purge across');
    expect((await ask(b, k, 'purge across')).headers['x-gateway-cache']).toBe('HIT');
    await a.app.inject({ method: 'POST', url: '/admin/cache/purge', headers: { authorization: `Bearer ${a.adminKey}` }, payload: { tenant_id: k.tenantId, task: 'sentiment' } });
    const deadline = Date.now() + 5_000;
    let status = (await ask(b, k, 'purge across', { cache: 'use' })).headers['x-gateway-cache'];
    while (status === 'HIT' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await ask(b, k, 'purge across')).headers['x-gateway-cache'];
    }
    expect(status).toBe('MISS');
  });
});
