import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../providers/http.js';
import { backoffMs } from '../../src/resilience/retry.js';
import { FakeOpenAi } from '../helpers/fake-openai.js';
import { NO_CACHE, createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

describe('retries', () => {
  const upstream = new FakeOpenAi();
  let t: TestApp;
  let k: TenantWithKey;
  const ask = (options: Record<string, unknown> = {}) =>
    t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: k.auth, payload: { text: 'hello', options: { providers: ['openai', 'local'], ...options } } });

  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENAI_BASE_URL: await upstream.start() },
      file: { cache: NO_CACHE, retries: { max_attempts: 3, base_ms: 20, max_delay_ms: 200 }, providers: { openai: { type: 'openai', timeout_ms: 300 } } },
    });
    k = await createTenantWithKey(t, { name: 'Retries' });
  });
  afterAll(async () => {
    await t?.close();
    await upstream.close();
  });

  it('retries 5xx and 429 on the same provider before falling through', async () => {
    upstream.reset();
    upstream.plan('500', '429');
    const started = performance.now();
    const res = await ask({ timeout_ms: 5_000 });
    expect(res.json().meta.provider).toBe('openai');
    expect(upstream.requests).toHaveLength(3);
    // The 429 said Retry-After: 1, and the gateway waited at least that long before the third attempt.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('falls through after the attempts are used up, and never retries a 400', async () => {
    upstream.reset();
    upstream.plan('503', '503', '503');
    expect((await ask()).json().meta.provider).toBe('local');
    expect(upstream.requests).toHaveLength(3);
    upstream.reset();
    upstream.plan('400');
    expect((await ask()).json().error.code).toBe('PROVIDER_ERROR');
    expect(upstream.requests).toHaveLength(1);
  });

  it('does not start a retry that cannot finish inside the deadline', async () => {
    upstream.reset();
    upstream.plan('hang');
    const res = await ask({ timeout_ms: 400 });
    // The hang uses the provider's 300 ms; a retry would not fit in what is left, so local answers.
    expect(res.json().meta.provider).toBe('local');
    expect(upstream.requests).toHaveLength(1);
  });

  it('backoff: full jitter under an exponential ceiling, never below Retry-After', () => {
    const settings = { maxAttempts: 5, baseMs: 100, maxDelayMs: 1_000 };
    expect(backoffMs(1, settings, undefined, () => 0.999)).toBe(99);
    expect(backoffMs(3, settings, undefined, () => 0.5)).toBe(200);
    expect(backoffMs(10, settings, undefined, () => 0.999)).toBe(999);
    expect(backoffMs(1, settings, 1_500, () => 0)).toBe(1_500);
    expect(parseRetryAfter('2')).toBe(2_000);
    expect(parseRetryAfter(new Date(Date.now() + 3_000).toUTCString())).toBeGreaterThan(1_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
