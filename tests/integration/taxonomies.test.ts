import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/events/event-bus.js';
import { createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

const EXAMPLES = [
  ...['my card was declined', 'the payment failed twice', 'I was charged two times', 'billing error on my invoice', 'refund the extra charge', 'why was my card charged'].map((text) => ({ text, label: 'billing' })),
  ...['the parcel is late', 'where is my package', 'delivery has not arrived', 'tracking says lost in transit', 'courier left it at the wrong door', 'shipment stuck at customs'].map((text) => ({ text, label: 'shipping' })),
];

describe('tenant taxonomies and learning from feedback', () => {
  let t: TestApp;
  let acme: TenantWithKey;
  let other: TenantWithKey;
  const events: DomainEvent[] = [];
  const admin = () => ({ authorization: `Bearer ${t.adminKey}` });
  const categorize = (k: TenantWithKey, text: string) =>
    t.app.inject({ method: 'POST', url: '/v1/categorize', headers: k.auth, payload: { text, taxonomy: 'desk', options: { providers: ['local'] } } });
  const status = async (tenantId: string) => (await t.app.inject({ method: 'GET', url: `/admin/tenants/${tenantId}/taxonomies/desk`, headers: admin() })).json();

  beforeAll(async () => {
    t = await startTestApp();
    t.deps.events.on((e) => events.push(e));
    acme = await createTenantWithKey(t, { name: 'Acme' });
    other = await createTenantWithKey(t, { name: 'Other' });
  });
  afterAll(() => t?.close());

  it('trains from posted examples in the background and answers with the tenant labels', async () => {
    expect((await categorize(acme, 'my card was declined')).json().error.code).toBe('NO_PROVIDER_AVAILABLE');
    const posted = await t.app.inject({ method: 'POST', url: `/admin/tenants/${acme.tenantId}/taxonomies/desk/examples`, headers: admin(), payload: { examples: EXAMPLES } });
    expect(posted.statusCode).toBe(202);
    expect(posted.json()).toMatchObject({ name: 'desk', examples: 12 });
    await t.deps.taxonomies.idle();
    expect(await status(acme.tenantId)).toMatchObject({ status: 'ready', version: 1, labels: ['billing', 'shipping'], examples: 12 });
    expect(events.filter((e) => e.type === 'model.retrained')).toEqual([
      expect.objectContaining({ tenant_id: acme.tenantId, data: expect.objectContaining({ taxonomy: 'desk', version: 1, examples: 12 }) }),
    ]);

    const billing = await categorize(acme, 'I think my card got charged twice');
    expect(billing.statusCode).toBe(200);
    expect(billing.json()).toMatchObject({ category: 'billing', meta: { provider: 'local' } });
    expect(billing.json().alternatives).toEqual([expect.objectContaining({ category: 'shipping' })]);
    expect((await categorize(acme, 'my package is still not here')).json().category).toBe('shipping');
  });

  it('never uses one tenant’s taxonomy for another, and refuses the reserved name', async () => {
    expect((await categorize(other, 'my card was declined')).json().error.code).toBe('NO_PROVIDER_AVAILABLE');
    const reserved = await t.app.inject({ method: 'POST', url: `/admin/tenants/${acme.tenantId}/taxonomies/support/examples`, headers: admin(), payload: { examples: EXAMPLES } });
    expect(reserved.json().error.code).toBe('VALIDATION_FAILED');
    const unknownTenant = await t.app.inject({ method: 'GET', url: '/admin/tenants/tnt_0000000000000000000000/taxonomies/desk', headers: admin() });
    expect(unknownTenant.json().error.code).toBe('NOT_FOUND');
  });

  it('turns feedback corrections into examples, retrains, and no cached answer of the old version survives', async () => {
    const text = 'the voucher code does not work';
    const first = await categorize(acme, text);
    expect(first.headers['x-gateway-cache']).toBe('MISS');
    expect((await categorize(acme, text)).headers['x-gateway-cache']).toBe('HIT');
    expect(['billing', 'shipping']).toContain(first.json().category);

    // Five corrections on five requests: a new label the model has never seen.
    const phrasings = [text, 'my discount code was rejected', 'promo code invalid at checkout', 'coupon not applied to my order', 'the gift voucher is refused'];
    for (const phrasing of phrasings) {
      const answer = await t.app.inject({ method: 'POST', url: '/v1/categorize', headers: acme.auth, payload: { text: phrasing, taxonomy: 'desk', options: { cache: 'bypass' } } });
      const feedback = await t.app.inject({ method: 'POST', url: '/v1/feedback', headers: acme.auth, payload: { request_id: answer.json().meta.request_id, correct: 'promotions' } });
      expect(feedback.statusCode).toBe(202);
      expect(feedback.json()).toEqual({ accepted: true, learned: true });
    }
    await t.deps.taxonomies.idle();
    expect(await status(acme.tenantId)).toMatchObject({ status: 'ready', version: 2, labels: ['billing', 'promotions', 'shipping'], examples: 17 });

    const after = await categorize(acme, text);
    expect(after.headers['x-gateway-cache']).toBe('MISS');
    expect(after.json().category).toBe('promotions');
    // Feedback on a request that used no tenant taxonomy is kept, but teaches nothing.
    const sentiment = await t.app.inject({ method: 'POST', url: '/v1/sentiment', headers: acme.auth, payload: { text: 'fine' } });
    const plain = await t.app.inject({ method: 'POST', url: '/v1/feedback', headers: acme.auth, payload: { request_id: sentiment.json().meta.request_id, correct: 'positive' } });
    expect(plain.json()).toEqual({ accepted: true, learned: false });
  });

  it('retrains on demand', async () => {
    const retrain = await t.app.inject({ method: 'POST', url: `/admin/tenants/${acme.tenantId}/taxonomies/desk/train`, headers: admin() });
    expect(retrain.statusCode).toBe(202);
    await t.deps.taxonomies.idle();
    // Nothing new since version 2: no new version.
    expect((await status(acme.tenantId)).version).toBe(2);
  });
});
