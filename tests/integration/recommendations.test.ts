import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { openSqlRepositories } from '../../repositories/sql/sql-repositories.js';
import type { Interaction, Repositories } from '../../repositories/types.js';
import { DEFAULT_SERVICE_OPTIONS, RecommendationService } from '../../src/recommendations/recommendation-service.js';
import { createTenantWithKey, startTestApp, type TenantWithKey, type TestApp } from '../helpers/test-app.js';

const ids = (body: { items: { item_id: string }[] }) => body.items.map((i) => i.item_id);

describe('recommendations through the API', () => {
  let t: TestApp;
  let tenant: TenantWithKey;
  const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: tenant.auth, payload });

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenantWithKey(t);
  });
  afterAll(() => t.close());

  it('learns from events as they arrive: a purchase is never recommended back, new pairs show after a background rebuild', async () => {
    const buy = (user: string, item: string) => ({ type: 'purchase', user_id: user, item_id: item });
    await post('/v1/events', { events: [buy('u1', 'tent'), buy('u1', 'stove'), buy('u2', 'tent'), buy('u2', 'stove'), buy('u3', 'tent'), buy('u3', 'mat')] });
    const first = await post('/v1/recommendations', { item_id: 'tent', limit: 1 });
    expect(ids(first.json())).toEqual(['stove']);

    const me = await post('/v1/recommendations', { user_id: 'me', item_id: 'tent' });
    expect(ids(me.json())).toContain('stove');
    await post('/v1/events', { events: [buy('me', 'stove')] });
    // Applied on ingest, before any rebuild.
    expect(ids((await post('/v1/recommendations', { user_id: 'me', item_id: 'tent' })).json())).not.toContain('stove');

    await post('/v1/events', { events: ['a', 'b', 'c', 'd'].map((u) => buy(u, 'tent')).concat(['a', 'b', 'c', 'd'].map((u) => buy(u, 'mat'))) });
    await t.deps.recommender.idle();
    expect(ids((await post('/v1/recommendations', { item_id: 'tent', limit: 1 })).json())).toEqual(['mat']);
    expect(await t.deps.recommender.stats(tenant.tenantId)).toMatchObject({ events: 15, users: 8, items: 3 });
  });

  it('applies catalogue categories posted after the model loaded', async () => {
    await post('/v1/items', { items: [{ item_id: 'mat', category: 'sleeping' }, { item_id: 'stove', category: 'cooking' }] });
    const r = await post('/v1/recommendations', { item_id: 'tent', filters: { category: 'cooking' } });
    expect(ids(r.json())).toEqual(['stove']);
  });
});

describe('the recommender quality route', () => {
  let t: TestApp;
  let tenant: TenantWithKey;
  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenantWithKey(t);
  });
  afterAll(() => t.close());

  it("shows admins the strategy a tenant's model serves, with the model's size; tenant keys are refused", async () => {
    const events = Array.from({ length: 30 }, (_, i) => ({ type: 'purchase', user_id: `u${i % 6}`, item_id: `i${i % 5}` }));
    expect((await t.app.inject({ method: 'POST', url: '/v1/events', headers: tenant.auth, payload: { events } })).statusCode).toBe(202);
    const url = `/admin/tenants/${tenant.tenantId}/recommendations/quality`;
    const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(res.statusCode).toBe(200);
    // Six users are too few to hold baskets out: the default strategy, no figures yet.
    expect(res.json()).toEqual({ strategy: 'history, then popular now', users: 0, candidates: [], model: { events: 30, users: 6, items: 5 } });
    expect((await t.app.inject({ method: 'GET', url, headers: tenant.auth })).statusCode).toBe(403);
    const missing = await t.app.inject({ method: 'GET', url: '/admin/tenants/ten_0000000000000000000000/recommendations/quality', headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(missing.statusCode).toBe(404);
  });
});

describe('the ingest quota', () => {
  let t: TestApp;
  let tenant: TenantWithKey;
  let other: TenantWithKey;
  const events = (n: number, prefix: string) => ({ events: Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, type: 'view', user_id: `u${i % 5}`, item_id: `i${i % 9}` })) });
  const ingest = (who: TenantWithKey, payload: object) => t.app.inject({ method: 'POST', url: '/v1/events', headers: who.auth, payload });

  beforeAll(async () => {
    t = await startTestApp({ file: { recommendations: { events_per_minute: 5_000 } } });
    tenant = await createTenantWithKey(t, { name: 'Ingest' });
    other = await createTenantWithKey(t, { name: 'Other' });
  });
  afterAll(() => t.close());

  it("counts events, not requests: past the tenant's events_per_minute, 429 and nothing stored; other tenants unaffected", async () => {
    const admin = { authorization: `Bearer ${t.adminKey}` };
    const set = await t.app.inject({ method: 'PUT', url: `/admin/tenants/${tenant.tenantId}/quota`, headers: admin, payload: { events_per_minute: 2_500 } });
    expect(set.statusCode).toBe(200);
    expect((await ingest(tenant, events(1_000, 'a'))).json()).toEqual({ accepted: 1_000, duplicates: 0 });
    expect((await ingest(tenant, events(1_000, 'b'))).statusCode).toBe(202);
    const refused = await ingest(tenant, events(1_000, 'c'));
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: 'RATE_LIMITED', details: { quota: 'events_per_minute', limit: 2_500 } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await t.deps.repos.interactions.eventsSince(tenant.tenantId, 0, 10_000)).toHaveLength(2_000);
    // The configured default (5 000) for a tenant without its own.
    for (const batch of ['a', 'b', 'c']) expect((await ingest(other, events(1_000, batch))).statusCode).toBe(202);
    const quota = await t.app.inject({ method: 'GET', url: '/v1/quota', headers: tenant.auth });
    expect(quota.json().quotas).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'events_per_minute', limit: 2_500 })]));
  });

  it('refuses a single request larger than the whole quota with 413, not a retry that can never succeed', async () => {
    const admin = { authorization: `Bearer ${t.adminKey}` };
    await t.app.inject({ method: 'PUT', url: `/admin/tenants/${tenant.tenantId}/quota`, headers: admin, payload: { events_per_minute: 100 } });
    const res = await ingest(tenant, events(101, 'd'));
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { quota: 'events_per_minute', limit: 100 } });
  });
});

describe('recommenders on two instances', () => {
  let repos: Repositories;
  let a: RecommendationService;
  let b: RecommendationService;
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    repos = await openSqlRepositories({});
    const options = { ...DEFAULT_SERVICE_OPTIONS, pollMs: 50, rebuildDelayMs: 10 };
    a = new RecommendationService(repos.interactions, log, options);
    b = new RecommendationService(repos.interactions, log, options);
  });
  afterAll(async () => {
    a.close();
    b.close();
    await repos.close();
  });

  it("picks up events stored by the other instance within a poll, each applied once", async () => {
    const tenantId = (await repos.tenants.create({ name: 'Shared' })).id;
    const event = (id: string, user: string, item: string): Interaction => ({ id, type: 'purchase', user_id: user, item_id: item, value: null, occurred_at: new Date() });
    await repos.interactions.addEvents(tenantId, [event('1', 'u1', 'x'), event('2', 'u1', 'y')]);
    expect((await b.recommend(tenantId, { item_id: 'x' })).items.map((i) => i.item_id)).toEqual(['y']);
    expect((await a.recommend(tenantId, { item_id: 'x' })).items.map((i) => i.item_id)).toEqual(['y']);

    // Instance a stores and applies at once; b reads it from storage.
    const { stored } = await repos.interactions.addEvents(tenantId, [event('3', 'u2', 'x'), event('4', 'u2', 'z'), event('5', 'u3', 'x'), event('6', 'u3', 'z')]);
    await a.stored(tenantId, stored);
    const deadline = Date.now() + 5_000;
    while ((await b.stats(tenantId))!.events < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([a.idle(), b.idle()]);
    for (const instance of [a, b]) {
      expect(await instance.stats(tenantId)).toMatchObject({ events: 6, users: 3, items: 3 });
      expect((await instance.recommend(tenantId, { item_id: 'x' })).items.map((i) => i.item_id)).toEqual(['z', 'y']);
    }
  });
});

describe('recommender memory bounds across tenants', () => {
  let repos: Repositories;
  const log = pino({ level: 'silent' });
  const at = new Date('2026-11-30T12:00:00Z');
  const event = (id: string, user: string, item: string): Interaction => ({ id, type: 'purchase', user_id: user, item_id: item, value: null, occurred_at: at });
  const fill = async (tenantId: string, count: number, prefix = '') =>
    repos.interactions.addEvents(tenantId, Array.from({ length: count }, (_, i) => event(`${prefix}${i}`, `u${i % 7}`, `${prefix}item-${i % 11}`)));

  beforeAll(async () => {
    repos = await openSqlRepositories({});
  });
  afterAll(() => repos.close());

  it('loads only the most recent events a model holds, not the whole history', async () => {
    const service = new RecommendationService(repos.interactions, log, { ...DEFAULT_SERVICE_OPTIONS, model: { ...DEFAULT_SERVICE_OPTIONS.model, maxEvents: 10 } });
    try {
      const tenantId = (await repos.tenants.create({ name: 'Long history' })).id;
      await fill(tenantId, 30);
      await service.recommend(tenantId, { user_id: 'u1' });
      // Had it read all 30, it would have forgotten 20 on the way.
      expect(await service.stats(tenantId)).toMatchObject({ events: 10, forgotten: 0 });
    } finally {
      service.close();
    }
  });

  it('unloads the least recently used tenant past the memory budget, and the idle ones; both reload on their next query', async () => {
    let now = at.getTime();
    const one = new RecommendationService(repos.interactions, log, DEFAULT_SERVICE_OPTIONS);
    const [a, b, c] = await Promise.all(['A', 'B', 'C'].map(async (name) => (await repos.tenants.create({ name })).id));
    await fill(a!, 40, 'a');
    await fill(b!, 40, 'b');
    await fill(c!, 40, 'c');
    await one.recommend(a!, { user_id: 'u1' });
    const oneModel = (await one.stats(a!))!.bytes;
    one.close();
    // Room for two such models, not three.
    const service = new RecommendationService(repos.interactions, log, { ...DEFAULT_SERVICE_OPTIONS, pollMs: 20, memoryBudgetBytes: Math.floor(oneModel * 2.5), idleUnloadMs: 60_000 }, () => new Date(now));
    try {
      await service.recommend(a!, { user_id: 'u1' });
      await service.recommend(b!, { user_id: 'u1' });
      await service.recommend(a!, { user_id: 'u2' });
      await service.recommend(c!, { user_id: 'u1' });
      // b was the least recently used when c came.
      expect(await service.stats(b!)).toBeUndefined();
      expect(service.totals()).toMatchObject({ tenants: 2 });
      expect(service.totals().bytes).toBeLessThanOrEqual(oneModel * 2.5);
      const again = await service.recommend(b!, { item_id: 'bitem-1' });
      expect(again.items.length).toBeGreaterThan(0);
      expect(await service.stats(b!)).toMatchObject({ events: 40 });

      // An hour later by the injected clock, with only c asked in between: the next poll unloads the others.
      now += 3_600_000;
      await service.recommend(c!, { user_id: 'u3' });
      const deadline = Date.now() + 5_000;
      while (service.totals().tenants > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(await service.stats(a!)).toBeUndefined();
      expect(await service.stats(b!)).toBeUndefined();
      expect(await service.stats(c!)).toMatchObject({ events: 40 });
    } finally {
      service.close();
    }
  });

  it("reads a new item's catalogue category when its first event arrives", async () => {
    const service = new RecommendationService(repos.interactions, log, DEFAULT_SERVICE_OPTIONS);
    try {
      const tenantId = (await repos.tenants.create({ name: 'Catalogue' })).id;
      await fill(tenantId, 20);
      await service.recommend(tenantId, { user_id: 'u1' });
      await repos.interactions.upsertItems(tenantId, [{ item_id: 'lamp', title: 'Lamp', category: 'lights', attributes: {} }]);
      const { stored } = await repos.interactions.addEvents(tenantId, [event('lamp-1', 'u1', 'lamp'), event('lamp-2', 'u2', 'lamp')]);
      await service.stored(tenantId, stored);
      await service.idle();
      const r = await service.recommend(tenantId, { user_id: 'u3', filters: { category: 'lights' } });
      expect(r.items.map((i) => i.item_id)).toEqual(['lamp']);
    } finally {
      service.close();
    }
  });
});
