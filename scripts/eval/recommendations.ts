import { groceryPurchases, movieLensRatings } from '../../providers/local/datasets.js';
import { evaluateModel, evaluatePopularity, leaveLastOut } from '../../providers/local/recommendations/leave-last-out.js';
import type { ModelEvent } from '../../providers/local/recommendations/recommender-options.js';
import { TenantModel } from '../../providers/local/recommendations/tenant-model.js';
import { pct, type Row } from './report.js';

interface Quality {
  hitRate: number;
  ndcg: number;
  users: number;
}

/** HR@10 (at least one held-out item in the top 10) and NDCG@10 with every held-out item relevant. */
function quality(test: Map<string, Set<string>>, topTen: (user: string) => string[]): Quality {
  let hits = 0;
  let ndcg = 0;
  for (const [user, relevant] of test) {
    const ranked = topTen(user);
    let dcg = 0;
    ranked.forEach((item, rank) => {
      if (relevant.has(item)) dcg += 1 / Math.log2(rank + 2);
    });
    let ideal = 0;
    for (let rank = 0; rank < Math.min(10, relevant.size); rank++) ideal += 1 / Math.log2(rank + 2);
    if (dcg > 0) hits++;
    ndcg += dcg / ideal;
  }
  return { hitRate: hits / test.size, ndcg: ndcg / test.size, users: test.size };
}

/**
 * Each member's last basket (their latest day) held out; what they had not bought before in it is what a
 * recommendation should find. The model and the baseline learn from every other basket.
 */
function groceries(): { model: Quality; popularity: Quality; chosen: string } {
  const purchases = groceryPurchases();
  const lastDay = new Map<string, number>();
  const days = new Map<string, Set<number>>();
  for (const p of purchases) {
    lastDay.set(p.member, Math.max(lastDay.get(p.member) ?? 0, p.day));
    let mine = days.get(p.member);
    if (!mine) days.set(p.member, (mine = new Set()));
    mine.add(p.day);
  }
  const heldOut = (p: { member: string; day: number }) => days.get(p.member)!.size >= 2 && p.day === lastDay.get(p.member);
  const train = purchases.filter((p) => !heldOut(p));
  const bought = new Map<string, Set<string>>();
  for (const p of train) {
    let mine = bought.get(p.member);
    if (!mine) bought.set(p.member, (mine = new Set()));
    mine.add(p.item);
  }
  const test = new Map<string, Set<string>>();
  for (const p of purchases) {
    if (!heldOut(p) || bought.get(p.member)?.has(p.item)) continue;
    let mine = test.get(p.member);
    if (!mine) test.set(p.member, (mine = new Set()));
    mine.add(p.item);
  }
  const latest = Math.max(...train.map((p) => p.day));
  const model = new TenantModel(undefined, latest);
  model.add(train.map((p): ModelEvent => ({ type: 'purchase', user_id: p.member, item_id: p.item, value: null, at: p.day })));
  model.rebuildNow();
  const chosen = model.strategyName;
  const counts = new Map<string, number>();
  for (const p of train) counts.set(p.item, (counts.get(p.item) ?? 0) + 1);
  const order = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([item]) => item);
  const popular = (user: string) => order.filter((item) => !bought.get(user)?.has(item)).slice(0, 10);
  return {
    model: quality(test, (user) => model.recommend({ user_id: user, limit: 10 }).items.map((i) => i.item_id)),
    popularity: quality(test, popular),
    chosen,
  };
}

export function recommendationRows(): Row[] {
  const rows: Row[] = [];
  const add = (data: string, m: Quality, p: Quality) => {
    const model = "recommendations (the tenant's chosen strategy)";
    rows.push({ model, data, metric: 'HR@10', value: pct(m.hitRate), baseline: pct(p.hitRate), inDistribution: '—', target: '≥ popularity, ≥ 1.2 × on dev sets', n: m.users });
    rows.push({ model, data, metric: 'HR@10 ÷ popularity', value: `${(m.hitRate / p.hitRate).toFixed(2)} ×`, baseline: '1.00 ×', inDistribution: '—', target: '≥ 1.2 ×', n: m.users });
    rows.push({ model, data, metric: 'NDCG@10', value: m.ndcg.toFixed(4), baseline: p.ndcg.toFixed(4), inDistribution: '—', target: '≥ popularity', n: m.users });
  };
  const split = leaveLastOut(movieLensRatings());
  const films = evaluateModel(split);
  add("MovieLens ml-latest-small, each user's latest rating held out", { ...films }, evaluatePopularity(split));
  const shop = groceries();
  add(`groceries, each member's last basket held out (items not bought before); served: ${shop.chosen}`, shop.model, shop.popularity);
  return rows;
}
