import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let tenant: TenantWithKey;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenantWithKey(t);
});
afterAll(async () => t?.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = tenant.auth) =>
  t.app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });

describe('task routes on local providers', () => {
  it('answers sentiment with meta and the contract headers', async () => {
    const res = await post('/v1/sentiment', { text: 'I absolutely love it, great work' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ label: 'positive', language: 'en' });
    expect(body.meta).toMatchObject({ provider: 'local', model: expect.stringMatching(/^local-v2\.[0-9a-f]{8}\/sentiment$/), cached: false, request_id: res.headers['x-request-id'] });
    expect(body.meta.usage).toEqual({ input_tokens: expect.any(Number), output_tokens: 0, cost_micros: 0 });
    expect(res.headers['x-gateway-provider']).toBe('local');
    expect(res.headers['x-gateway-cache']).toBe('MISS');
  });

  it('keeps a valid incoming x-request-id and replaces an invalid one', async () => {
    const kept = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: { ...tenant.auth, 'x-request-id': 'client-id_42' }, payload: { text: 'ok' } });
    expect(kept.headers['x-request-id']).toBe('client-id_42');
    expect(kept.json().meta.request_id).toBe('client-id_42');
    const replaced = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: { ...tenant.auth, 'x-request-id': 'bad id!' }, payload: { text: 'ok' } });
    expect(replaced.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it("names the request, tenant and key on every log line after authentication, one request's lines only", async () => {
    const [first, second] = [await post('/v1/sentiment', { text: 'first' }), await post('/v1/sentiment', { text: 'second' })];
    const linesOf = (reqId: string) => t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.reqId === reqId);
    for (const res of [first, second]) {
      const completed = linesOf(String(res.headers['x-request-id'])).find((l) => l.msg === 'request completed');
      expect(completed).toMatchObject({ tenant: tenant.tenantId, key_id: tenant.keyId });
    }
    // Bindings live on each request's own logger: nothing leaks into the app logger's lines.
    expect(t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => !l.reqId && l.tenant)).toEqual([]);
  });

  it('categorises into the support taxonomy with intent and alternatives', async () => {
    const res = await post('/v1/categorize', { text: 'can you send me my invoice' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ category: 'invoices', confident: true });
    expect(['get_invoice', 'check_invoices']).toContain(res.json().intent);
    expect(res.json().alternatives.length).toBeGreaterThan(0);
  });

  it('categorises against zero-shot labels', async () => {
    const res = await post('/v1/categorize', { text: 'my refund never arrived', labels: ['refund', 'shipping', 'praise'] });
    expect(res.json().category).toBe('refund');
  });

  it('writes a smart reply with context, tone and escalation', async () => {
    const res = await post('/v1/smart-response', {
      message: 'Where is my order? I have been waiting for weeks',
      tone: 'friendly',
      context: { customer_name: 'Ana', order_id: 'A-1001' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.reply).toContain('Ana');
    expect(body.reply).toContain('A-1001');
    expect(body).toMatchObject({ intent: 'track_order', escalate: false });
    expect(body.escalation_score).toBeGreaterThanOrEqual(0);
  });

  it('recommends from ingested events, falls back to popularity for unknown users', async () => {
    const events = [
      { type: 'purchase', user_id: 'u1', item_id: 'shoes' },
      { type: 'purchase', user_id: 'u1', item_id: 'socks' },
      { type: 'view', user_id: 'u2', item_id: 'shoes' },
      { type: 'add_to_cart', user_id: 'u2', item_id: 'laces' },
      { id: 'ev-1', type: 'rating', user_id: 'u3', item_id: 'hat', value: 5, timestamp: '2026-01-01T00:00:00Z' },
      { id: 'ev-1', type: 'rating', user_id: 'u3', item_id: 'hat', value: 5 },
    ];
    const ingest = await post('/v1/events', { events });
    expect(ingest.statusCode).toBe(202);
    expect(ingest.json()).toEqual({ accepted: 5, duplicates: 1 });
    const items = await post('/v1/items', { items: [{ item_id: 'socks', title: 'Socks', category: 'apparel' }, { item_id: 'laces', category: 'accessories' }] });
    expect(items.statusCode).toBe(202);
    expect(items.json()).toEqual({ accepted: 2 });

    const similar = await post('/v1/recommendations', { item_id: 'shoes' });
    expect(similar.json().strategy).toBe('item_similarity');
    expect(similar.json().items.map((i: { item_id: string }) => i.item_id).slice(0, 2).sort()).toEqual(['laces', 'socks']);

    const forUser = await post('/v1/recommendations', { user_id: 'u2' });
    expect(forUser.json().strategy).toBe('user_history');
    expect(forUser.json().items[0]).toMatchObject({ item_id: 'socks', reason: 'because of interest in shoes' });
    const excluded = await post('/v1/recommendations', { user_id: 'u2', exclude: ['socks'] });
    expect(excluded.json().items.map((i: { item_id: string }) => i.item_id)).not.toContain('socks');
    expect(excluded.json().items.map((i: { item_id: string }) => i.item_id)).not.toContain('shoes');

    const filtered = await post('/v1/recommendations', { item_id: 'shoes', filters: { category: 'apparel' } });
    expect(filtered.json().items.map((i: { item_id: string }) => i.item_id)).toEqual(['socks']);

    const cold = await post('/v1/recommendations', { user_id: 'stranger', limit: 2 });
    expect(cold.json().strategy).toBe('popularity');
    expect(cold.json().items).toHaveLength(2);
  });

  it('never shows one tenant the events of another', async () => {
    const other = await createTenantWithKey(t, { name: 'Other' });
    const res = await post('/v1/recommendations', { user_id: 'u1' }, other.auth);
    expect(res.json()).toMatchObject({ items: [], strategy: 'none' });
  });

  it('accepts feedback on an answer', async () => {
    const answer = await post('/v1/categorize', { text: 'cancel my subscription to the newsletter' });
    const res = await post('/v1/feedback', { request_id: answer.json().meta.request_id, correct: 'newsletter', rating: 4 });
    expect(res.statusCode).toBe(202);
    const stored = await t.deps.repos.feedback.listForRequest(tenant.tenantId, answer.json().meta.request_id);
    expect(stored).toEqual([{ request_id: answer.json().meta.request_id, correct: 'newsletter', rating: 4 }]);
  });
});

describe('errors', () => {
  const code = (res: { json(): { error: { code: string } } }) => res.json().error.code;

  it('VALIDATION_FAILED for unknown fields, wrong types, missing fields, bad JSON, __proto__, and rules across fields', async () => {
    for (const payload of [{ text: 'x', extra: 1 }, { text: 42 }, {}, { text: '' }, { text: 'x'.repeat(10_001) }, { text: 'x', options: { timeout_ms: 5 } }]) {
      const res = await post('/v1/sentiment', payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 50)).toBe(400);
      expect(code(res)).toBe('VALIDATION_FAILED');
    }
    const detail = await post('/v1/sentiment', { text: 'x', extra: 1 });
    expect(detail.json().error.details.issues[0].field).toBe('body.extra');
    const raw = (payload: string) => t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: { ...tenant.auth, 'content-type': 'application/json' }, payload });
    expect(code(await raw('{"text": '))).toBe('VALIDATION_FAILED');
    expect(code(await raw('{"text": "a", "__proto__": {"admin": true}}'))).toBe('VALIDATION_FAILED');
    expect(code(await raw('{"text": "a", "constructor": {"prototype": {"admin": true}}}'))).toBe('VALIDATION_FAILED');
    expect(code(await post('/v1/recommendations', { limit: 3 }))).toBe('VALIDATION_FAILED');
    expect(code(await post('/v1/feedback', { request_id: 'req_1' }))).toBe('VALIDATION_FAILED');
    const text = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: { ...tenant.auth, 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(400);
  });

  it('PAYLOAD_TOO_LARGE over the body limit', async () => {
    const res = await post('/v1/events', { events: [{ type: 'view', user_id: 'u', item_id: 'x'.repeat(2 * 1024 * 1024) }] });
    expect(res.statusCode).toBe(413);
    expect(code(res)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('NOT_FOUND for unknown routes and unknown tenants', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v2/nothing' });
    expect(res.statusCode).toBe(404);
    expect(code(res)).toBe('NOT_FOUND');
    const admin = { authorization: `Bearer ${t.adminKey}` };
    expect(code(await t.app.inject({ method: 'GET', url: '/admin/tenants/tnt_0000000000000000000000', headers: admin }))).toBe('NOT_FOUND');
  });

  it('UNSUPPORTED_OPTION for a provider that is not configured or cannot do the task', async () => {
    const res = await post('/v1/sentiment', { text: 'hi', options: { providers: ['openai'] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'UNSUPPORTED_OPTION', details: { option: 'providers', provider: 'openai' } });
  });

  it('NO_PROVIDER_AVAILABLE when no provider can answer; a taxonomy the tenant does not have is its own mistake (404)', async () => {
    const res = await post('/v1/categorize', { text: 'hello', taxonomy: 'returns-desk' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'NOT_FOUND', details: { taxonomy: 'returns-desk' } });
    const locked = await createTenantWithKey(t, { name: 'No providers', allowed_providers: [] });
    expect(code(await post('/v1/sentiment', { text: 'hi' }, locked.auth))).toBe('NO_PROVIDER_AVAILABLE');
  });
});

describe('authentication', () => {
  const code = (res: { json(): { error: { code: string } } }) => res.json().error.code;

  it('API_KEY_MISSING and API_KEY_INVALID (malformed, bad checksum, unknown)', async () => {
    expect(code(await post('/v1/sentiment', { text: 'x' }, {}))).toBe('API_KEY_MISSING');
    expect(code(await post('/v1/sentiment', { text: 'x' }, { authorization: 'Basic abc' }))).toBe('API_KEY_INVALID');
    expect(code(await post('/v1/sentiment', { text: 'x' }, { authorization: 'Bearer gwk_live_nope' }))).toBe('API_KEY_INVALID');
    const flipped = tenant.key.slice(0, -1) + (tenant.key.endsWith('a') ? 'b' : 'a');
    expect(code(await post('/v1/sentiment', { text: 'x' }, { authorization: `Bearer ${flipped}` }))).toBe('API_KEY_INVALID');
    const { generateKey } = await import('../../src/keys/api-key.js');
    const unknown = await post('/v1/sentiment', { text: 'x' }, { authorization: `Bearer ${generateKey('gwk')}` });
    expect(unknown.statusCode).toBe(401);
    expect(code(unknown)).toBe('API_KEY_INVALID');
  });

  it('API_KEY_REVOKED after DELETE /admin/keys/{id}', async () => {
    const victim = await createTenantWithKey(t, { name: 'Revoked' });
    expect((await post('/v1/sentiment', { text: 'x' }, victim.auth)).statusCode).toBe(200);
    const del = await t.app.inject({ method: 'DELETE', url: `/admin/keys/${victim.keyId}`, headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(del.json().revoked_at).not.toBeNull();
    expect(code(await post('/v1/sentiment', { text: 'x' }, victim.auth))).toBe('API_KEY_REVOKED');
  });

  it('API_KEY_EXPIRED once expires_at has passed', async () => {
    let now = Date.now();
    const timed = await startTestApp({ overrides: { clock: () => new Date(now) } });
    try {
      const k = await createTenantWithKey(timed, { name: 'Expiring' }, { name: 'short', expires_at: new Date(now + 60_000).toISOString() });
      const call = () => timed.app.inject({ method: 'POST', url: '/v1/sentiment', headers: k.auth, payload: { text: 'x' } });
      expect((await call()).statusCode).toBe(200);
      now += 61_000;
      expect(code(await call())).toBe('API_KEY_EXPIRED');
    } finally {
      await timed.close();
    }
  });

  it('FORBIDDEN: tenant key on admin routes, admin key on tenant routes, missing scope, suspended tenant', async () => {
    expect(code(await t.app.inject({ method: 'GET', url: '/admin/tenants', headers: tenant.auth }))).toBe('FORBIDDEN');
    expect(code(await post('/v1/sentiment', { text: 'x' }, { authorization: `Bearer ${t.adminKey}` }))).toBe('FORBIDDEN');
    const scoped = await createTenantWithKey(t, { name: 'Scoped' }, { name: 'only sentiment', scopes: ['sentiment'] });
    expect((await post('/v1/sentiment', { text: 'x' }, scoped.auth)).statusCode).toBe(200);
    const denied = await post('/v1/categorize', { text: 'x' }, scoped.auth);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'FORBIDDEN', details: { scope: 'categorize' } });
    const patched = await t.app.inject({ method: 'PATCH', url: `/admin/tenants/${scoped.tenantId}`, headers: { authorization: `Bearer ${t.adminKey}` }, payload: { status: 'suspended' } });
    expect(patched.json().status).toBe('suspended');
    expect(code(await post('/v1/sentiment', { text: 'x' }, scoped.auth))).toBe('FORBIDDEN');
  });
});

describe('admin API', () => {
  const admin = () => ({ authorization: `Bearer ${t.adminKey}` });

  it('creates, lists with pagination and gets tenants; rejects unknown providers', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/admin/tenants', headers: admin(), payload: { name: 'Paged', metadata: { plan: 'pro' } } });
    expect(created.statusCode).toBe(201);
    const page = await t.app.inject({ method: 'GET', url: '/admin/tenants?limit=1', headers: admin() });
    expect(page.json().data).toHaveLength(1);
    expect(page.json().next_cursor).toEqual(expect.any(String));
    const next = await t.app.inject({ method: 'GET', url: `/admin/tenants?limit=200&cursor=${page.json().next_cursor}`, headers: admin() });
    expect(next.json().data.map((x: { id: string }) => x.id)).toContain(created.json().id);
    const bad = await t.app.inject({ method: 'GET', url: '/admin/tenants?cursor=bm9wZQ', headers: admin() });
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const tooMany = await t.app.inject({ method: 'GET', url: '/admin/tenants?limit=500', headers: admin() });
    expect(tooMany.statusCode).toBe(400);
    const unknown = await t.app.inject({ method: 'POST', url: '/admin/tenants', headers: admin(), payload: { name: 'X', allowed_providers: ['nope'] } });
    expect(unknown.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('serves the API description and Swagger UI', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(doc.json().openapi).toBe('3.1.0');
    const ui = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('shows a key once and never again', async () => {
    const k = await createTenantWithKey(t, { name: 'Shown once' });
    const list = await t.app.inject({ method: 'GET', url: `/admin/tenants/${k.tenantId}/keys`, headers: admin() });
    expect(list.body).not.toContain(k.key);
    expect(list.json().data[0]).toMatchObject({ id: k.keyId, start: k.key.slice(0, 12), kind: 'tenant', mode: 'bearer' });
    expect(list.json().data[0]).not.toHaveProperty('secret');
    expect(t.logs.join('')).not.toContain(k.key);
    expect(t.logs.join('')).not.toContain(t.adminKey);
  });
});
