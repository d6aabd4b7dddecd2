import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECOMMENDER_OPTIONS, type ModelEvent } from '../../providers/local/recommendations/recommender-options.js';
import { TenantModel } from '../../providers/local/recommendations/tenant-model.js';
import { firstK } from '../../providers/local/recommendations/first-k.js';
import { forgetEvent, noteEvent, startLatest } from '../../providers/local/recommendations/latest-in-window.js';
import { SeenSequences, LOOKBACK } from '../../src/recommendations/seen-sequences.js';
import type { InteractionType } from '../../repositories/types.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-21T00:00:00Z');

function ev(user: string, item: string, type: InteractionType = 'purchase', daysAgo = 0, value: number | null = null): ModelEvent {
  return { type, user_id: user, item_id: item, value, at: NOW - daysAgo * DAY };
}

function model(events: ModelEvent[]): TenantModel {
  const m = new TenantModel(undefined, NOW);
  m.add(events);
  m.rebuildNow();
  return m;
}

const ids = (r: { items: { item_id: string }[] }) => r.items.map((i) => i.item_id);

describe('tenant recommender', () => {
  it('ranks what is bought together first, and says why', () => {
    const m = model([
      ev('u1', 'phone'), ev('u1', 'case'),
      ev('u2', 'phone'), ev('u2', 'case'), ev('u2', 'charger'),
      ev('u3', 'phone'), ev('u3', 'charger'),
      ev('u4', 'phone'), ev('u4', 'case'),
      ev('u5', 'lamp'), ev('u6', 'lamp'), ev('u7', 'lamp'),
    ]);
    const r = m.recommend({ item_id: 'phone', limit: 3 });
    expect(r.strategy).toBe('item_similarity');
    expect(ids(r)).toEqual(['case', 'charger', 'lamp']);
    expect(r.items[0]).toEqual({ item_id: 'case', score: 1, reason: 'similar to phone' });
    expect(r.items[1]!.score).toBeLessThan(1);
    // Nothing co-occurs with the lamp's buyers' other items: popularity fills the list.
    expect(r.items[2]!.reason).toBe('popular');
  });

  it('weighs a purchase above a view', () => {
    const m = model([ev('u1', 'a', 'purchase'), ev('u1', 'b', 'purchase'), ev('u2', 'a', 'view'), ev('u2', 'c', 'view')]);
    expect(ids(m.recommend({ item_id: 'a', limit: 2 }))).toEqual(['b', 'c']);
  });

  it("follows the user's recent interests: yesterday counts more than last year", () => {
    const m = model([
      ev('old', 'tent'), ev('old', 'stove'), ev('x', 'tent'), ev('x', 'stove'),
      ev('new', 'pram'), ev('new', 'cot'), ev('y', 'pram'), ev('y', 'cot'),
      ev('me', 'tent', 'purchase', 365), ev('me', 'pram', 'purchase', 1),
    ]);
    const r = m.recommend({ user_id: 'me', limit: 2 });
    expect(r.strategy).toBe('user_history');
    expect(ids(r)).toEqual(['cot', 'stove']);
    expect(r.items[0]!.reason).toBe('because of interest in pram');
  });

  it('prefers what is popular now for cold starts', () => {
    const events = [...Array.from({ length: 5 }, (_, i) => ev(`o${i}`, 'last-year', 'purchase', 365)), ...Array.from({ length: 2 }, (_, i) => ev(`n${i}`, 'this-week', 'purchase', 2))];
    const r = model(events).recommend({ user_id: 'stranger' });
    expect(r.strategy).toBe('popularity');
    expect(ids(r)).toEqual(['this-week', 'last-year']);
  });

  it('filters by category, filling from what is popular in it', () => {
    const m = model([ev('u1', 'a'), ev('u1', 'b'), ev('u1', 'c'), ev('u2', 'd'), ev('u3', 'd')]);
    m.setCategories([{ item_id: 'b', category: 'books' }, { item_id: 'c', category: 'music' }, { item_id: 'd', category: 'books' }]);
    const r = m.recommend({ item_id: 'a', filters: { category: 'books' } });
    expect(ids(r)).toEqual(['b', 'd']);
    expect(r.items[1]!.reason).toBe('popular in books');
    expect(m.recommend({ item_id: 'a', filters: { category: 'garden' } })).toEqual({ items: [], strategy: 'none' });
  });

  it('learns incrementally: history at once, neighbours after the next rebuild', () => {
    const m = model([ev('u1', 'a'), ev('u1', 'b'), ev('u2', 'a'), ev('u2', 'c')]);
    m.add([ev('me', 'a'), ev('me', 'b')]);
    // Bought a moment ago: never offered again, even before any rebuild.
    expect(ids(m.recommend({ user_id: 'me' }))).not.toContain('b');
    expect(m.pending).toBe(2);
    m.add([ev('u3', 'a'), ev('u3', 'new'), ev('u4', 'a'), ev('u4', 'new'), ev('u5', 'a'), ev('u5', 'new')]);
    expect(ids(m.recommend({ item_id: 'a', limit: 1 }))).not.toEqual(['new']);
    m.rebuildNow();
    expect(m.pending).toBe(0);
    expect(ids(m.recommend({ item_id: 'a', limit: 1 }))).toEqual(['new']);
    expect(m.size).toEqual({ events: 12, users: 6, items: 4 });
  });

  it('answers none for an empty tenant and ignores unknown ids', () => {
    const m = model([]);
    expect(m.recommend({ user_id: 'u', item_id: 'i', exclude: ['x'] })).toEqual({ items: [], strategy: 'none' });
  });

  it('never returns an excluded item or one the user already has, never repeats, never exceeds the limit', () => {
    const event = fc.record({
      user: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5'),
      item: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
      type: fc.constantFrom<InteractionType>('view', 'click', 'add_to_cart', 'purchase', 'rating'),
      value: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
      days: fc.integer({ min: 0, max: 400 }),
    });
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 60 }),
        fc.array(event, { maxLength: 10 }),
        fc.record({
          user_id: fc.option(fc.constantFrom('u1', 'u2', 'u9'), { nil: undefined }),
          item_id: fc.option(fc.constantFrom('a', 'b', 'z'), { nil: undefined }),
          exclude: fc.array(fc.constantFrom('a', 'c', 'e', 'g'), { maxLength: 3 }),
          limit: fc.integer({ min: 1, max: 10 }),
        }),
        (built, late, query) => {
          const m = model(built.map((e) => ev(e.user, e.item, e.type, e.days, e.value)));
          // Events after the last rebuild count too.
          m.add(late.map((e) => ev(e.user, e.item, e.type, e.days, e.value)));
          const r = m.recommend(query);
          const owned = new Set<string>([...built, ...late].filter((e) => e.user === query.user_id).map((e) => e.item));
          const got = ids(r);
          expect(got.length).toBeLessThanOrEqual(query.limit);
          expect(new Set(got).size).toBe(got.length);
          for (const item of got) {
            expect(query.exclude as string[]).not.toContain(item);
            expect(owned.has(item)).toBe(false);
            expect(item).not.toBe(query.item_id);
          }
          for (const i of r.items) expect(i.score).toBeGreaterThanOrEqual(0);
          expect(r.strategy === 'none').toBe(got.length === 0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('tenant recommender bounds', () => {
  const bounds = { ...DEFAULT_RECOMMENDER_OPTIONS, maxEvents: 25, maxUsers: 4, maxItems: 6, maxItemsPerUser: 1_000 };
  const eventOf = (users: string[], items: string[]) =>
    fc.record({
      user: fc.constantFrom(...users),
      item: fc.constantFrom(...items),
      type: fc.constantFrom<InteractionType>('view', 'click', 'add_to_cart', 'purchase', 'rating'),
      value: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
      days: fc.integer({ min: 0, max: 60 }),
    });
  const event = eventOf(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'], ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
  const toEvent = (e: { user: string; item: string; type: InteractionType; days: number; value: number | null }) => ev(e.user, e.item, e.type, e.days, e.value);
  const scoresOf = (m: TenantModel, query: { user_id?: string; item_id?: string }) =>
    new Map(m.recommend({ ...query, limit: 100 }).items.map((i) => [i.item_id, i.score]));

  // Many users and items: the user and item bounds bind. Few of each: pairs repeat, and forgetting undoes part of one.
  const narrow = eventOf(['u1', 'u2', 'u3'], ['a', 'b', 'c', 'd']);
  it.each([['wide', event], ['narrow', narrow]])('hold at every step, and what is left answers exactly as a model fed only the most recent events would (%s)', (_name, arbitrary) => {
    fc.assert(
      fc.property(fc.array(arbitrary, { minLength: 1, maxLength: 120 }), fc.constantFrom('u1', 'u2', 'u5'), fc.constantFrom('a', 'c', 'j'), (events, user, item) => {
        const bounded = new TenantModel(bounds, NOW);
        for (const e of events) {
          bounded.add([toEvent(e)]);
          const size = bounded.size;
          expect(size.events).toBeLessThanOrEqual(bounds.maxEvents);
          expect(size.users).toBeLessThanOrEqual(bounds.maxUsers);
          expect(size.items).toBeLessThanOrEqual(bounds.maxItems);
        }
        const kept = bounded.size.events;
        expect(bounded.forgotten).toBe(events.length - kept);
        const fresh = new TenantModel({ ...bounds, maxEvents: 1e6, maxUsers: 1e6, maxItems: 1e6 }, NOW);
        fresh.add(events.slice(events.length - kept).map(toEvent));
        expect(fresh.size).toEqual(bounded.size);
        bounded.rebuildNow();
        fresh.rebuildNow();
        for (const query of [{ user_id: user }, { item_id: item }, { user_id: user, item_id: item }]) {
          const [got, want] = [scoresOf(bounded, query), scoresOf(fresh, query)];
          expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
          for (const [id, score] of got) expect(score).toBeCloseTo(want.get(id)!, 3);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps a pair's latest time exact when its newest event is forgotten before an older one that arrived later", () => {
    // Found by the property above: u2 viewed a today, then an older view of a arrived; forgetting today's view must
    // leave the older time, or u2's interest in a stays twice too recent.
    const late = [ev('u2', 'a', 'view', 0), ev('u4', 'a', 'view', 0), ev('u2', 'i', 'view', 0), ev('u7', 'i', 'view', 0), ev('u1', 'h', 'view', 0), ev('u2', 'a', 'view', 1), ev('u5', 'a', 'view', 0), ev('u1', 'a', 'view', 0), ev('u7', 'b', 'view', 0)];
    const bounded = new TenantModel(bounds, NOW);
    for (const e of late) bounded.add([e]);
    const fresh = new TenantModel({ ...bounds, maxUsers: 1e6 }, NOW);
    fresh.add(late.slice(late.length - bounded.size.events));
    bounded.rebuildNow();
    fresh.rebuildNow();
    expect(scoresOf(bounded, { user_id: 'u2' })).toEqual(scoresOf(fresh, { user_id: 'u2' }));
  });

  it('the latest time in the window is the maximum over the events it still holds, in any arrival order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1)), { minLength: 1, maxLength: 200 }), (ops) => {
        const held: number[] = [];
        let latest: ReturnType<typeof startLatest> | undefined;
        for (const op of ops) {
          if (op === -1) {
            if (held.length <= 1) continue;
            held.shift();
            forgetEvent(latest!);
          } else {
            held.push(op);
            if (latest) noteEvent(latest, op);
            else latest = startLatest(op);
          }
          expect(latest!.last).toBe(Math.max(...held));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never answers with a forgotten item, even before the rebuild that follows its slot being reused', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), fc.array(event, { minLength: 1, maxLength: 40 }), (built, late) => {
        const m = new TenantModel(bounds, NOW);
        const all = [...built, ...late];
        m.add(built.map(toEvent));
        m.rebuildNow();
        // What the neighbours were built from: a pair recommended for a reason must have shared a user then.
        const atRebuild = built.slice(built.length - m.size.events);
        const together = (x: string, y: string) => atRebuild.some((e) => e.item === x && atRebuild.some((f) => f.user === e.user && f.item === y));
        m.add(late.map(toEvent));
        const live = new Set(all.slice(all.length - m.size.events).map((e) => e.item));
        for (const query of [{ user_id: 'u1' }, { item_id: 'a' }, { item_id: 'j', user_id: 'u7' }]) {
          for (const r of m.recommend({ ...query, limit: 100 }).items) {
            expect(live.has(r.item_id)).toBe(true);
            const because = /(?:similar to|interest in) (.+)$/.exec(r.reason)?.[1];
            if (because) {
              expect(live.has(because)).toBe(true);
              expect(together(because, r.item_id)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps each user's most recent items up to the per-user bound, and still never recommends them back", () => {
    const m = new TenantModel({ ...DEFAULT_RECOMMENDER_OPTIONS, maxItemsPerUser: 3 }, NOW);
    m.add(['a', 'b', 'c', 'd', 'e'].map((item, i) => ev('me', item, 'purchase', 10 - i)));
    m.add([ev('x', 'a'), ev('x', 'z'), ev('y', 'e'), ev('y', 'w')]);
    m.rebuildNow();
    const got = ids(m.recommend({ user_id: 'me', limit: 10 }));
    // c, d and e are remembered (never offered back); a and b, the oldest, are forgotten by the per-user bound.
    for (const own of ['c', 'd', 'e']) expect(got).not.toContain(own);
    expect(got[0]).toBe('w');
    expect(m.size.events).toBe(9);
  });

  it('picks the k first of a history in one pass, exactly as a stable sort would', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ last: fc.integer({ min: 0, max: 5 }), id: fc.nat() })), fc.integer({ min: 0, max: 12 }), (xs, k) => {
        const order = (a: { last: number }, b: { last: number }) => b.last - a.last;
        expect(firstK(xs, k, order)).toEqual([...xs].sort(order).slice(0, k));
      }),
      { numRuns: 500 },
    );
  });

  it('estimates its memory from what it holds, so a budget can be kept', () => {
    const m = new TenantModel(undefined, NOW);
    const empty = m.bytes;
    m.add(Array.from({ length: 5_000 }, (_, i) => ev(`u${i % 500}`, `item-${i % 800}`)));
    m.rebuildNow();
    expect(m.bytes).toBeGreaterThan(empty + 5_000 * 28);
    expect(m.size).toEqual({ events: 5_000, users: 500, items: 800 });
  });
});

describe('strategy chosen on the tenant\'s own held-out baskets', () => {
  /** 600 shoppers, two baskets each (a week apart), from `pick(shopper, basket)`. */
  function tenant(pick: (shopper: number, basket: number) => string[]): TenantModel {
    const m = new TenantModel(undefined, NOW);
    for (let u = 0; u < 600; u++) {
      for (const basket of [0, 1]) for (const item of pick(u, basket)) m.add([ev(`shopper-${u}`, item, 'purchase', basket === 0 ? 8 : 1)]);
    }
    m.rebuildNow();
    return m;
  }
  const byName = (m: TenantModel) => new Map(m.quality!.candidates.map((c) => [c.name, c]));

  it('serves popularity where what people buy next has no pattern but popularity, never doing worse than it', () => {
    // A few staples everyone buys at random: history says nothing a bestseller list does not.
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const staple = () => `staple-${Math.floor(random() ** 3 * 30)}`;
    const m = tenant(() => [staple(), staple(), staple()]);
    expect(m.quality!.users).toBeGreaterThanOrEqual(50);
    const figures = byName(m);
    const chosen = figures.get(m.quality!.chosen)!;
    expect(chosen.hitRate).toBeGreaterThanOrEqual(figures.get('popular overall')!.hitRate);
    expect(chosen.hitRate).toBeGreaterThanOrEqual(figures.get('popular now')!.hitRate);
  });

  it('serves the user history where it predicts the next basket better than popularity', () => {
    // Each shopper's first basket is one of 40 kits; the second holds that kit's refill, which nothing else predicts.
    const m = tenant((u, basket) => (basket === 0 ? [`kit-${u % 40}`, `bestseller-${u % 3}`] : [`refill-${u % 40}`]));
    const figures = byName(m);
    expect(m.quality!.chosen).toMatch(/^history/);
    expect(figures.get(m.quality!.chosen)!.hitRate).toBeGreaterThan(figures.get('popular overall')!.hitRate);
    // A new shopper's first basket: the kit's refill comes first, not the bestsellers.
    m.add([ev('newcomer', 'kit-7', 'purchase', 0), ev('newcomer', 'bestseller-1', 'purchase', 0)]);
    expect(m.recommend({ user_id: 'newcomer' }).items[0]!.item_id).toBe('refill-7');
  });

  it('keeps the default for a tenant too small to choose on', () => {
    const m = model([ev('u1', 'a'), ev('u1', 'b'), ev('u2', 'a'), ev('u2', 'c')]);
    expect(m.quality).toBeUndefined();
    expect(m.strategyName).toBe('history, then popular now');
  });
});

describe('seen sequences', () => {
  it('accepts each sequence once, late arrivals inside the window too, and treats older ones as seen', () => {
    const seen = new SeenSequences();
    expect([1, 2, 4].map((s) => seen.accept(s))).toEqual([true, true, true]);
    expect(seen.accept(2)).toBe(false);
    expect(seen.accept(3)).toBe(true);
    expect(seen.lookbackFrom()).toBe(0);
    for (let s = 5; s <= 5 * LOOKBACK; s++) seen.accept(s);
    expect(seen.lookbackFrom()).toBe(4 * LOOKBACK);
    expect(seen.accept(4 * LOOKBACK + 10)).toBe(false);
    expect(seen.accept(3 * LOOKBACK)).toBe(false);
  });
});
