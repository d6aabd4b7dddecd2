import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAi } from '../helpers/fake-openai.js';
import { NO_CACHE, createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

const API_KEY = 'sk-test-do-not-leak-4242';
let upstream: FakeOpenAi;
let t: TestApp;
let tenant: TenantWithKey;

beforeAll(async () => {
  upstream = new FakeOpenAi();
  const baseUrl = await upstream.start();
  t = await startTestApp({
    env: { OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: API_KEY },
    file: { providers: { openai: { type: 'openai', timeout_ms: 400, models: { 'smart-response': 'gpt-4o' } } }, cache: NO_CACHE, retries: { max_attempts: 1 } },
  });
  tenant = await createTenantWithKey(t);
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});
beforeEach(() => upstream.reset());

const post = (url: string, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url, headers: tenant.auth, payload });

describe('openai provider', () => {
  it('answers through the upstream with structured output and reports its token usage and cost', async () => {
    const res = await post('/v1/sentiment', { text: 'great stuff' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ label: 'positive', score: 0.8, meta: { provider: 'openai', model: 'gpt-4o-mini' } });
    // 42 input and 7 output tokens at 0.15 and 0.60 USD per million tokens
    expect(res.json().meta.usage).toEqual({ input_tokens: 42, output_tokens: 7, cost_micros: 11 });
    expect(res.headers['x-gateway-provider']).toBe('openai');
    const sent = upstream.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent.headers['x-request-id']).toBe(res.headers['x-request-id']);
    expect(sent.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0, response_format: { type: 'json_schema', json_schema: { name: 'sentiment', strict: true } } });
  });

  it('maps support intents to categories, answers zero-shot labels and smart replies with the per-task model', async () => {
    // The gateway marks a vendor's answer confident by the same threshold as its own models' (0.91 ≥ 0.6).
    expect((await post('/v1/categorize', { text: 'where is it' })).json()).toMatchObject({ category: 'order', intent: 'track_order', alternatives: [], confident: true });
    expect((await post('/v1/categorize', { text: 'x', labels: ['alpha', 'beta'] })).json()).toMatchObject({ category: 'alpha', alternatives: [{ category: 'beta' }] });
    const reply = await post('/v1/smart-response', { message: 'hello?' });
    expect(reply.json()).toMatchObject({ reply: 'Hello from the upstream model.', meta: { provider: 'openai', model: 'gpt-4o' } });
  });

  it('keeps recommendations local: an LLM has no view of the events', async () => {
    const res = await post('/v1/recommendations', { user_id: 'u' });
    expect(res.json().meta.provider).toBe('local');
    expect(upstream.requests).toHaveLength(0);
  });

  it.each([['500'], ['503'], ['429'], ['reset'], ['hang']] as const)('falls back to local when the upstream fails with %s', async (behaviour) => {
    upstream.plan(behaviour);
    const res = await post('/v1/sentiment', { text: 'great stuff' });
    expect(res.statusCode).toBe(200);
    expect(res.json().meta).toMatchObject({ provider: 'local', model: expect.stringMatching(/^local-v2\.[0-9a-f]{8}\/sentiment$/) });
    expect(res.headers['x-gateway-provider']).toBe('local');
  });

  it('retries once on invalid output, then falls back to local', async () => {
    upstream.plan('garbage');
    const recovered = await post('/v1/sentiment', { text: 'great stuff' });
    expect(recovered.json().meta).toMatchObject({ provider: 'openai', usage: { input_tokens: 84, output_tokens: 14 } });
    upstream.reset();
    upstream.plan('garbage', 'wrong-schema');
    const fellBack = await post('/v1/sentiment', { text: 'great stuff' });
    expect(upstream.requests).toHaveLength(2);
    expect(fellBack.json().meta.provider).toBe('local');
  });

  it('PROVIDER_ERROR when the upstream rejects the request itself (4xx): no point trying elsewhere', async () => {
    upstream.plan('400');
    const res = await post('/v1/sentiment', { text: 'great stuff' });
    expect(res.statusCode).toBe(502);
    expect(res.json().error).toMatchObject({ code: 'PROVIDER_ERROR', details: { attempts: [{ provider: 'openai', outcome: 'bad_request' }] } });
    expect(res.body).not.toContain(API_KEY);
  });

  it('NO_PROVIDER_AVAILABLE when the caller narrowed the chain to a failing provider', async () => {
    upstream.plan('500');
    const res = await post('/v1/sentiment', { text: 'x', options: { providers: ['openai'] } });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ code: 'NO_PROVIDER_AVAILABLE', details: { attempts: [{ provider: 'openai', outcome: 'upstream_5xx' }] } });
  });

  it('PROVIDER_TIMEOUT when the request deadline passes', async () => {
    upstream.plan('hang');
    const res = await post('/v1/sentiment', { text: 'x', options: { timeout_ms: 150 } });
    expect(res.statusCode).toBe(504);
    expect(res.json().error).toMatchObject({ code: 'PROVIDER_TIMEOUT', details: { timeout_ms: 150 } });
  });

  it('lets the caller reorder the chain', async () => {
    const res = await post('/v1/sentiment', { text: 'x', options: { providers: ['local', 'openai'] } });
    expect(res.json().meta.provider).toBe('local');
    expect(upstream.requests).toHaveLength(0);
  });

  it('respects the providers a tenant may use', async () => {
    const localOnly = await createTenantWithKey(t, { name: 'Local only', allowed_providers: ['local'] });
    const res = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: localOnly.auth, payload: { text: 'x' } });
    expect(res.json().meta.provider).toBe('local');
    const refused = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: localOnly.auth, payload: { text: 'x', options: { providers: ['openai'] } } });
    expect(refused.json().error.code).toBe('UNSUPPORTED_OPTION');
  });

  it('reuses upstream connections (keep-alive pool)', async () => {
    const before = upstream.connections;
    for (let i = 0; i < 20; i++) expect((await post('/v1/sentiment', { text: `n${i}` })).json().meta.provider).toBe('openai');
    expect(upstream.connections - before).toBeLessThanOrEqual(1);
  });

  it('never writes the vendor key to the logs', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    expect(t.logs.join('\n')).not.toContain(API_KEY);
  });
});
