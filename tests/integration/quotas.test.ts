import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAi } from '../helpers/fake-openai.js';
import { NO_CACHE, createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

describe('quotas (embedded)', () => {
  const upstream = new FakeOpenAi();
  let t: TestApp;
  const admin = () => ({ authorization: `Bearer ${t.adminKey}` });
  const viaOpenAi = (k: TenantWithKey) =>
    t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: k.auth, payload: { text: 'good', options: { providers: ['openai'] } } });
  const setQuota = (k: TenantWithKey, quota: Record<string, number | null>) =>
    t.app.inject({ method: 'PUT', url: `/admin/tenants/${k.tenantId}/quota`, headers: admin(), payload: quota });

  beforeAll(async () => {
    t = await startTestApp({ env: { OPENAI_BASE_URL: await upstream.start() }, file: { cache: NO_CACHE } });
  });
  afterAll(async () => {
    await t?.close();
    await upstream.close();
  });

  it('a monthly request quota admits exactly its limit, then 429 QUOTA_EXCEEDED naming it, without calling upstream', async () => {
    const k = await createTenantWithKey(t, { name: 'Monthly' });
    expect((await setQuota(k, { requests_per_month: 3 })).json().quota).toEqual({ requests_per_month: 3 });
    for (let i = 0; i < 3; i++) expect((await viaOpenAi(k)).statusCode).toBe(200);
    const calls = upstream.requests.length;
    const refused = await viaOpenAi(k);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('QUOTA_EXCEEDED');
    expect(refused.json().error.details).toMatchObject({ quota: 'requests_per_month', limit: 3, used: 3 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(upstream.requests.length).toBe(calls);
    const status = (await t.app.inject({ method: 'GET', url: '/v1/quota', headers: k.auth })).json();
    expect(status.quotas).toEqual([
      { name: 'requests_per_month', limit: 3, used: 3, remaining: 0, resets_at: expect.stringMatching(/-01T00:00:00.000Z$/) },
    ]);
  });

  it('a token quota reserves the estimate and settles to actual use; the ledger agrees and never exceeds it', async () => {
    const k = await createTenantWithKey(t, { name: 'Tokens' });
    await setQuota(k, { tokens_per_month: 200 });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await viaOpenAi(k)).statusCode);
    // 49 tokens per answer (42 in, 7 out); each admission reserves 69 (5 for the input, 64 output cap):
    // after three answers 147 are used and 147 + 69 > 200, so the fourth is refused.
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    await t.deps.ledger.flush();
    const usage = (await t.app.inject({ method: 'GET', url: '/v1/usage?group_by=task', headers: k.auth })).json();
    expect(usage.total.input_tokens + usage.total.output_tokens).toBe(147);
    const status = (await t.app.inject({ method: 'GET', url: '/v1/quota', headers: k.auth })).json();
    expect(status.quotas[0]).toMatchObject({ name: 'tokens_per_month', used: 147, remaining: 53 });
  });

  it('emits quota.threshold_reached at 80 % and 100 %, and quota.exceeded once per period', async () => {
    const k = await createTenantWithKey(t, { name: 'Events' });
    const seen: { type: string; data: Record<string, unknown> }[] = [];
    const off = t.deps.events.on((e) => {
      if (e.tenant_id === k.tenantId && e.type.startsWith('quota.')) seen.push({ type: e.type, data: e.data });
    });
    await setQuota(k, { requests_per_day: 5 });
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await viaOpenAi(k)).statusCode);
    off();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(seen.map((e) => [e.type, e.data.threshold_percent ?? null, e.data.used])).toEqual([
      ['quota.threshold_reached', 80, 4],
      ['quota.threshold_reached', 100, 5],
      ['quota.exceeded', null, 5],
    ]);
    expect(seen[0]!.data).toMatchObject({ quota: 'requests_per_day', limit: 5 });
  });

  it('counters lost by the store are re-seeded from the ledger; null removes a quota', async () => {
    const k = await createTenantWithKey(t, { name: 'Reseed' });
    await setQuota(k, { requests_per_day: 10 });
    for (let i = 0; i < 4; i++) await viaOpenAi(k);
    await t.deps.ledger.flush();
    // A quota change drops the counters, as a Redis restart would; the next read seeds them from the ledger.
    await setQuota(k, { requests_per_day: 5, requests_per_minute: 100 });
    const status = (await t.app.inject({ method: 'GET', url: '/v1/quota', headers: k.auth })).json();
    expect(status.quotas).toEqual([
      { name: 'requests_per_minute', limit: 100, used: null, remaining: null, resets_at: null },
      { name: 'requests_per_day', limit: 5, used: 4, remaining: 1, resets_at: expect.any(String) },
    ]);
    expect((await viaOpenAi(k)).statusCode).toBe(200);
    expect((await viaOpenAi(k)).json().error.details.quota).toBe('requests_per_day');
    await setQuota(k, { requests_per_day: null });
    expect((await viaOpenAi(k)).statusCode).toBe(200);
    const rows = (await t.app.inject({ method: 'GET', url: `/admin/audit?action=tenant.quota_updated&tenant_id=${k.tenantId}`, headers: admin() })).json().data;
    expect(rows).toHaveLength(3);
  });
});

