import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAi } from '../helpers/fake-openai.js';
import { NO_CACHE, createTenantWithKey, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('usage ledger', () => {
  const upstream = new FakeOpenAi();
  let t: TestApp;

  beforeAll(async () => {
    const url = await upstream.start();
    t = await startTestApp({
      env: { OPENAI_BASE_URL: url },
      file: {
        pricing: {
          models: { 'openai/gpt-4o-mini': { input_per_million_micros: 1_000_000, output_per_million_micros: 2_000_000 } },
          local_per_request_micros: { sentiment: 3 },
        },
        cache: NO_CACHE,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await upstream.close();
  });

  it('writes one priced row per finished task request, failures included, and reports them in /v1/usage', async () => {
    const k = await createTenantWithKey(t, { name: 'Metered' });
    const send = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: k.auth, payload });
    expect((await send({ text: 'good', options: { providers: ['local'] } })).statusCode).toBe(200);
    expect((await send({ text: 'good', options: { providers: ['openai'] } })).statusCode).toBe(200);
    upstream.plan('400');
    expect((await send({ text: 'good', options: { providers: ['openai'] } })).statusCode).toBe(502);
    await t.deps.ledger.flush();
    expect(await t.deps.repos.usage.count({ tenant_id: k.tenantId })).toBe(3);

    const byProvider = await t.app.inject({ method: 'GET', url: '/v1/usage?group_by=provider', headers: k.auth });
    expect(byProvider.statusCode).toBe(200);
    const report = byProvider.json();
    // local: its own token estimate, 3 micros per request; openai: 42 input and 7 output tokens at 1 and 2 micros per token = 56; local: 3 per request.
    // The failed attempt is recorded with its status and no provider or cost.
    expect(report.data).toEqual([
      { group: 'local', requests: 1, input_tokens: 4, output_tokens: 0, cost_micros: 3 },
      { group: 'none', requests: 1, input_tokens: 0, output_tokens: 0, cost_micros: 0 },
      { group: 'openai', requests: 1, input_tokens: 42, output_tokens: 7, cost_micros: 56 },
    ]);
    expect(report.total.cost_micros).toBe(59);
    expect(report.total.requests).toBe(3);

    const admin = await t.app.inject({ method: 'GET', url: `/admin/tenants/${k.tenantId}/usage?group_by=task`, headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(admin.json().data).toEqual([{ group: 'sentiment', requests: 3, input_tokens: 46, output_tokens: 7, cost_micros: 59 }]);
  });

  it('needs the usage scope and refuses a backwards range', async () => {
    const k = await createTenantWithKey(t, { name: 'No usage scope' }, { name: 'tasks', scopes: ['sentiment'] });
    expect((await t.app.inject({ method: 'GET', url: '/v1/usage', headers: k.auth })).statusCode).toBe(403);
    const full = await createTenantWithKey(t, { name: 'Range' });
    const res = await t.app.inject({ method: 'GET', url: '/v1/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', headers: full.auth });
    expect(res.statusCode).toBe(400);
  });
});
