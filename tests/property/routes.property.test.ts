import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKey } from '../../src/keys/api-key.js';
import { createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let tenant: TenantWithKey;

beforeAll(async () => {
  // No DNS from random URLs: names resolve to one public address or not at all.
  const resolve = async (host: string) => {
    if (host.length % 2 === 0) return [{ address: '93.184.216.34', family: 4 }];
    throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  };
  t = await startTestApp({ env: { LOG_LEVEL: 'silent' }, overrides: { resolve } });
  tenant = await createTenantWithKey(t);
});
afterAll(async () => t?.close());

const ROUTES = ['/v1/sentiment', '/v1/categorize', '/v1/smart-response', '/v1/recommendations', '/v1/events', '/v1/items', '/v1/feedback', '/v1/webhooks'];

/** Bodies shaped like the real ones, with random values where they count, plus arbitrary JSON. */
const plausible = fc.record(
  {
    text: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null)),
    message: fc.string({ maxLength: 300 }),
    labels: fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
    language: fc.oneof(fc.constantFrom('auto', 'en', 'fr', 'de', 'zz'), fc.string({ maxLength: 4 })),
    tone: fc.constantFrom('friendly', 'formal', 'concise', 'rude'),
    context: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
    conversation: fc.array(fc.record({ role: fc.constantFrom('customer', 'agent', 'bot'), text: fc.string({ maxLength: 50 }) }), { maxLength: 3 }),
    user_id: fc.string({ maxLength: 10 }),
    item_id: fc.string({ maxLength: 10 }),
    limit: fc.integer({ min: -5, max: 500 }),
    exclude: fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    filters: fc.record({ category: fc.string({ maxLength: 10 }) }, { requiredKeys: [] }),
    events: fc.oneof(fc.array(fc.constantFrom('key.created', 'task.completed', 'quota.exceeded', 'nope'), { maxLength: 4 }), fc.array(
      fc.record({
        type: fc.constantFrom('view', 'click', 'purchase', 'rating', 'bogus'),
        user_id: fc.string({ maxLength: 6 }),
        item_id: fc.string({ maxLength: 6 }),
        value: fc.oneof(fc.double(), fc.integer()),
        timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string({ maxLength: 10 })),
      }, { requiredKeys: ['type', 'user_id', 'item_id'] }),
      { maxLength: 5 },
    )),
    items: fc.array(fc.record({ item_id: fc.string({ maxLength: 6 }), attributes: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue()) }, { requiredKeys: ['item_id'] }), { maxLength: 3 }),
    request_id: fc.string({ maxLength: 70 }),
    rating: fc.integer({ min: -1, max: 7 }),
    url: fc.oneof(fc.string({ maxLength: 60 }), fc.webUrl(), fc.constantFrom('https://127.0.0.1/x', 'https://[::ffff:a00:1]/', 'https://u:p@h.io/', 'javascript:alert(1)')),
    description: fc.oneof(fc.string({ maxLength: 600 }), fc.constant(null)),
    options: fc.record({ providers: fc.array(fc.constantFrom('local', 'openai', 'x'), { maxLength: 3 }), timeout_ms: fc.integer({ min: 0, max: 100_000 }), cache: fc.string({ maxLength: 8 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

describe('random input never yields a 5xx', () => {
  it('on every tenant route, plausible and arbitrary bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), fc.oneof(plausible, fc.jsonValue()), async (url, body) => {
        const res = await t.app.inject({ method: 'POST', url, headers: { ...tenant.auth, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
        expect(res.statusCode, `${url} ${JSON.stringify(body).slice(0, 200)} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
        expect(res.json()).toBeTypeOf('object');
      }),
      { numRuns: 400 },
    );
  });

  it('on raw bytes that are not JSON at all', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), fc.string({ maxLength: 200 }), async (url, raw) => {
        const res = await t.app.inject({ method: 'POST', url, headers: { ...tenant.auth, 'content-type': 'application/json' }, payload: raw });
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });

  it('on admin routes', async () => {
    const admin = { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/admin/tenants',
          `/admin/tenants/${tenant.tenantId}/keys`,
          `/admin/tenants/${tenant.tenantId}/knowledge-base`,
          `/admin/tenants/${tenant.tenantId}/webhooks`,
          '/admin/webhooks/deliveries/redeliver',
        ),
        fc.oneof(
          fc.record({ name: fc.string({ maxLength: 300 }), allowed_providers: fc.array(fc.string({ maxLength: 8 })), metadata: fc.dictionary(fc.string(), fc.string()), scopes: fc.array(fc.string()), expires_at: fc.string(), mode: fc.string() }, { requiredKeys: [] }),
          fc.record({ url: fc.oneof(fc.webUrl(), fc.string()), events: fc.array(fc.string(), { maxLength: 3 }), since: fc.string(), tenant_id: fc.string() }, { requiredKeys: [] }),
          fc.record({
            entries: fc.array(
              fc.record({ id: fc.string({ maxLength: 10 }), question: fc.string({ maxLength: 50 }), answer: fc.string({ maxLength: 50 }), tags: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), language: fc.string({ maxLength: 3 }) }, { requiredKeys: ['question', 'answer'] }),
              { maxLength: 3 },
            ),
          }),
          fc.jsonValue(),
        ),
        async (url, body) => {
          const res = await t.app.inject({ method: 'POST', url, headers: admin, payload: JSON.stringify(body) });
          expect(res.statusCode, res.body.slice(0, 200)).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('on random authorization headers and query strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), fc.string({ maxLength: 40 }), async (auth, query) => {
        const res = await t.app.inject({ method: 'GET', url: `/admin/tenants?${encodeURIComponent(query)}=${encodeURIComponent(query)}&limit=${encodeURIComponent(query)}`, headers: { authorization: auth } });
        const kb = await t.app.inject({ method: 'GET', url: `/admin/tenants/${tenant.tenantId}/knowledge-base?cursor=${encodeURIComponent(query)}`, headers: { authorization: `Bearer ${t.adminKey}` } });
        expect(kb.statusCode, kb.body.slice(0, 200)).toBeLessThan(500);
        const log = await t.app.inject({ method: 'GET', url: `/admin/webhooks/deliveries?cursor=${encodeURIComponent(query)}&status=${encodeURIComponent(query)}`, headers: { authorization: `Bearer ${t.adminKey}` } });
        expect(log.statusCode, log.body.slice(0, 200)).toBeLessThan(500);
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });

  it('key parsing never throws', () => {
    fc.assert(fc.property(fc.string(), (s) => void parseKey(s)));
  });
});
