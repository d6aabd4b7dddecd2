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
    expect(await t.deps.recommender.stats(tenant.tenantId)).toEqual({ events: 15, users: 8, items: 3 });
  });

  it('applies catalogue categories posted after the model loaded', async () => {
    await post('/v1/items', { items: [{ item_id: 'mat', category: 'sleeping' }, { item_id: 'stove', category: 'cooking' }] });
    const r = await post('/v1/recommendations', { item_id: 'tent', filters: { category: 'cooking' } });
    expect(ids(r.json())).toEqual(['stove']);
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
      expect(await instance.stats(tenantId)).toEqual({ events: 6, users: 3, items: 3 });
      expect((await instance.recommend(tenantId, { item_id: 'x' })).items.map((i) => i.item_id)).toEqual(['z', 'y']);
    }
  });
});
