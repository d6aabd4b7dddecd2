import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAi } from '../helpers/fake-openai.js';
import { NO_CACHE, createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

describe('circuit breakers', () => {
  const upstream = new FakeOpenAi();
  let t: TestApp;
  let k: TenantWithKey;
  let other: TenantWithKey;
  let nowMs = Date.parse('2026-06-01T00:00:00Z');
  const admin = () => ({ authorization: `Bearer ${t.adminKey}` });
  const events: { type: string; data: Record<string, unknown> }[] = [];
  const ask = (providers?: string[], who: TenantWithKey = k, timeoutMs?: number) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/sentiment',
      headers: who.auth,
      payload: { text: 'hello', ...(providers || timeoutMs ? { options: { ...(providers ? { providers } : {}), ...(timeoutMs ? { timeout_ms: timeoutMs } : {}) } } : {}) },
    });
  const openaiState = async () =>
    (await t.app.inject({ method: 'GET', url: '/admin/providers', headers: admin() })).json().data.find((p: { name: string }) => p.name === 'openai').breakers[0];

  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENAI_BASE_URL: await upstream.start() },
      file: { cache: NO_CACHE, retries: { max_attempts: 1 }, breakers: { volume_threshold: 20, error_threshold_percent: 50, window_seconds: 30, reset_seconds: 1 } },
      overrides: { clock: () => new Date(nowMs) },
    });
    k = await createTenantWithKey(t, { name: 'Breakers' });
    other = await createTenantWithKey(t, { name: 'Bystander' });
    t.deps.events.on((e) => e.type.startsWith('provider.') && events.push({ type: e.type, data: e.data }));
  });
  afterAll(async () => {
    await t?.close();
    await upstream.close();
  });

  it('a 5xx storm opens the breaker; traffic fails over to local without calling the upstream', async () => {
    upstream.plan(...Array<'500'>(20).fill('500'));
    for (let i = 0; i < 20; i++) expect((await ask()).json().meta.provider).toBe('local');
    expect(events.map((e) => e.type)).toEqual(['provider.circuit_opened']);
    const calls = upstream.requests.length;
    const res = await ask();
    expect(res.json().meta.provider).toBe('local');
    expect(upstream.requests.length).toBe(calls);
    expect(await openaiState()).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', state: 'open', failures: 20 });
  });

  it('with no provider left, 503 UPSTREAM_CIRCUIT_OPEN with Retry-After, without waiting', async () => {
    // "Without waiting" means the open breaker answers before any attempt: the vendor sees no call at all.
    const calls = upstream.requests.length;
    const res = await ask(['openai']);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('UPSTREAM_CIRCUIT_OPEN');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(upstream.requests.length).toBe(calls);
  });

  it('after the reset time exactly one probe goes through, and its success closes the breaker', async () => {
    nowMs += 1_100;
    const calls = upstream.requests.length;
    upstream.plan('slow');
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask()));
    expect(upstream.requests.length).toBe(calls + 1);
    expect(answers.filter((r) => r.json().meta.provider === 'openai')).toHaveLength(1);
    expect(events.at(-1)!.type).toBe('provider.circuit_closed');
    expect((await openaiState()).state).toBe('closed');
  });

  it("a tenant's own short deadlines are not vendor failures: 25 cut-short calls leave the shared breaker closed", async () => {
    // Regression: a tenant with timeout_ms 100 against a vendor answering in 400 ms opened the breaker for everyone.
    const before = events.length;
    upstream.latencyMs = 400;
    try {
      const cut = await Promise.all(Array.from({ length: 25 }, () => ask(['openai'], k, 100)));
      expect(cut.every((r) => r.json().error?.code === 'PROVIDER_TIMEOUT')).toBe(true);
      expect(await openaiState()).toMatchObject({ state: 'closed', failures: 0 });
      const answered = await ask(undefined, other);
      expect(answered.json().meta.provider).toBe('openai');
    } finally {
      upstream.latencyMs = 0;
    }
    expect(events.slice(before)).toEqual([]);
  });

  it("one tenant's real vendor failures do not open the breaker while another tenant's calls succeed; both failing do", async () => {
    await t.app.inject({ method: 'POST', url: '/admin/providers/openai/reset', headers: admin() });
    const before = events.length;
    for (let i = 0; i < 30; i++) {
      upstream.plan('500');
      await ask(undefined, k);
      await ask(undefined, other);
    }
    expect(await openaiState()).toMatchObject({ state: 'closed', calls: 60, failures: 30 });
    expect(events.slice(before)).toEqual([]);
    for (let i = 0; i < 12; i++) {
      upstream.plan('500', '500');
      await ask(undefined, k);
      await ask(undefined, other);
    }
    expect((await openaiState()).state).toBe('open');
    expect(events.slice(before).map((e) => e.type)).toEqual(['provider.circuit_opened']);
    upstream.reset();
    await t.app.inject({ method: 'POST', url: '/admin/providers/openai/reset', headers: admin() });
  });

  it('provider 400s never open it', async () => {
    upstream.plan(...Array<'400'>(25).fill('400'));
    for (let i = 0; i < 25; i++) expect((await ask()).json().error.code).toBe('PROVIDER_ERROR');
    expect((await openaiState()).state).toBe('closed');
  });

  it('an admin can close an open breaker at once', async () => {
    nowMs += 31_000; // past the window that counted the 400s as answers
    upstream.plan(...Array<'503'>(20).fill('503'));
    for (let i = 0; i < 20; i++) await ask();
    expect((await openaiState()).state).toBe('open');
    upstream.reset(); // the storm behaviours the open breaker never let through
    const res = await t.app.inject({ method: 'POST', url: '/admin/providers/openai/reset', headers: admin() });
    expect(res.json()).toEqual({ reset: true });
    expect((await openaiState()).state).toBe('closed');
    expect((await ask(['openai'])).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/admin/providers/nope/reset', headers: admin() })).statusCode).toBe(404);
  });
});
