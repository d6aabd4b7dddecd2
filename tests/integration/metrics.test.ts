import parsePrometheus, { type PromFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAi } from '../helpers/fake-openai.js';
import { samplesOf } from '../helpers/prometheus-samples.js';
import { createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

let upstream: FakeOpenAi;
let t: TestApp;
let tenant: TenantWithKey;

beforeAll(async () => {
  upstream = new FakeOpenAi();
  t = await startTestApp({
    env: { OPENAI_BASE_URL: await upstream.start(), OPENAI_API_KEY: 'sk-test-metrics-secret-77' },
    file: { rate_limits: { per_key: { per_minute: 8 } }, retries: { max_attempts: 2, base_ms: 1 } },
  });
  tenant = await createTenantWithKey(t);
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

const admin = () => ({ authorization: `Bearer ${t.adminKey}` });
/** Families as the Prometheus text parser reads them, and every sample line (histogram series included) by name. */
async function scrape(app = t) {
  const res = await app.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${app.adminKey}` } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = new Map<string, PromFamily>(parsePrometheus(res.body).map((f) => [f.name, f]));
  return { families, samples: samplesOf(res.body) };
}
type Samples = ReturnType<typeof samplesOf>;
const value = (samples: Samples, name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('GET /metrics', () => {
  it('needs an admin key: none → 401, a tenant key → 403', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).json().error.code).toBe('API_KEY_MISSING');
    expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: tenant.auth })).json().error.code).toBe('FORBIDDEN');
  });

  it('parses as Prometheus text and has every family the gateway promises, with what traffic did', async () => {
    const ask = (text: string) => t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: tenant.auth, payload: { text, options: { providers: ['openai', 'local'] } } });
    upstream.plan('500');
    expect((await ask('first, after one retry')).statusCode).toBe(200);
    expect((await ask('first, after one retry')).json().meta.cached).toBe(true);
    const limited = await createTenantWithKey(t, { name: 'Quota' });
    await t.app.inject({ method: 'PUT', url: `/admin/tenants/${limited.tenantId}/quota`, headers: admin(), payload: { requests_per_month: 1 } });
    const quota = (text: string) => t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: limited.auth, payload: { text } });
    expect((await quota('one')).statusCode).toBe(200);
    expect((await quota('two')).json().error.code).toBe('QUOTA_EXCEEDED');
    let status = 200;
    for (let i = 0; i < 10 && status !== 429; i++) status = (await ask(`burst ${i}`)).statusCode;
    expect(status).toBe(429);
    await t.app.inject({ method: 'GET', url: '/no/such/route' });

    const { families, samples } = await scrape();
    for (const name of [
      'gateway_http_request_duration_seconds',
      'gateway_provider_attempts_total',
      'gateway_provider_errors_total',
      'gateway_provider_attempt_duration_seconds',
      'gateway_circuit_breaker_state',
      'gateway_cache_lookups_total',
      'gateway_rate_limit_rejections_total',
      'gateway_quota_rejections_total',
      'gateway_errors_total',
      'gateway_tokens_total',
      'gateway_cost_micros_total',
      'gateway_webhook_attempts_total',
      'gateway_ledger_backlog',
      'gateway_outbox_backlog',
      'nodejs_eventloop_lag_seconds',
      'process_resident_memory_bytes',
    ]) {
      expect(families.has(name), name).toBe(true);
    }
    expect(families.get('gateway_http_request_duration_seconds')!.type).toBe('HISTOGRAM');
    expect(value(samples, 'gateway_http_request_duration_seconds_count', { method: 'POST', route: '/v1/sentiment', status_code: '200' })).toBeGreaterThanOrEqual(3);
    expect(value(samples, 'gateway_http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' })).toBe(1);
    expect(value(samples, 'gateway_provider_attempts_total', { provider: 'openai', outcome: 'upstream_5xx' })).toBe(1);
    expect(value(samples, 'gateway_provider_attempts_total', { provider: 'openai', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'gateway_provider_errors_total', { provider: 'openai', failure: 'upstream_5xx' })).toBe(1);
    expect(value(samples, 'gateway_provider_attempt_duration_seconds_count', { provider: 'openai', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'gateway_circuit_breaker_state', { provider: 'openai', model: 'gpt-4o-mini' })).toBe(0);
    expect(value(samples, 'gateway_cache_lookups_total', { level: 'l1', result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'gateway_cache_lookups_total', { level: 'l1', result: 'miss' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'gateway_rate_limit_rejections_total')).toBe(1);
    expect(value(samples, 'gateway_quota_rejections_total', { quota: 'requests_per_month' })).toBe(1);
    expect(value(samples, 'gateway_errors_total', { code: 'RATE_LIMITED' })).toBe(1);
    expect(value(samples, 'gateway_errors_total', { code: 'NOT_FOUND' })).toBe(1);
    expect(value(samples, 'gateway_tokens_total', { task: 'sentiment', provider: 'openai', direction: 'input' })).toBeGreaterThanOrEqual(84);
    expect(value(samples, 'gateway_cost_micros_total', { task: 'sentiment', provider: 'openai' })).toBeGreaterThan(0);
    expect(value(samples, 'gateway_ledger_backlog')).toBeGreaterThanOrEqual(0);
  });

  it("counts loaded recommender models by the strategy they serve, and their size", async () => {
    const shop = await createTenantWithKey(t, { name: 'Shop' });
    const events = Array.from({ length: 12 }, (_, i) => ({ type: 'purchase', user_id: `u${i % 4}`, item_id: `i${i % 3}` }));
    expect((await t.app.inject({ method: 'POST', url: '/v1/events', headers: shop.auth, payload: { events } })).statusCode).toBe(202);
    expect((await t.app.inject({ method: 'POST', url: '/v1/recommendations', headers: shop.auth, payload: { user_id: 'u1' } })).statusCode).toBe(200);
    const { samples } = await scrape();
    expect(value(samples, 'gateway_recommender_strategy_tenants', { strategy: 'history, then popular now' })).toBe(1);
    expect(value(samples, 'gateway_recommender_tenants_loaded')).toBe(1);
    expect(value(samples, 'gateway_recommender_events')).toBe(12);
    expect(value(samples, 'gateway_recommender_model_bytes')).toBeGreaterThan(0);
  });

  it('keeps label values bounded: no request, key or tenant ids unless tenant labels are enabled', async () => {
    const { samples } = await scrape();
    const values = samples.flatMap((s) => Object.values(s.labels));
    expect(values.filter((v) => /^(req|key|tnt)_/.test(v) || v.includes(tenant.tenantId))).toEqual([]);
    expect(samples.some((s) => s.labels.tenant !== undefined)).toBe(false);
  });

  it('with METRICS_TENANT_LABELS=true, request and usage series carry the tenant', async () => {
    const labelled = await startTestApp({ env: { METRICS_TENANT_LABELS: 'true' } });
    try {
      const k = await createTenantWithKey(labelled);
      await labelled.app.inject({ method: 'POST', url: '/v1/sentiment', headers: k.auth, payload: { text: 'fine' } });
      const { samples } = await scrape(labelled);
      expect(value(samples, 'gateway_http_request_duration_seconds_count', { route: '/v1/sentiment', tenant: k.tenantId })).toBe(1);
      expect(value(samples, 'gateway_tokens_total', { tenant: k.tenantId })).toBeGreaterThan(0);
    } finally {
      await labelled.close();
    }
  });
});
