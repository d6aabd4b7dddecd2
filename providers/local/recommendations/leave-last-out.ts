// Leave-last-out evaluation of the recommender on ratings (`npm run eval`): each user's latest rating is held out,
// the model learns from everything else, and we ask whether the held-out item is in the user's top 10.
import type { Rating } from '../datasets.js';
import type { ModelEvent, RecommenderOptions } from './recommender-options.js';
import { TenantModel } from './tenant-model.js';

export interface RankingQuality {
  hitRate: number;
  ndcg: number;
  users: number;
}

export interface LeaveLastOut {
  train: Rating[];
  /** Held-out item per user. */
  test: Map<string, string>;
}

/** The latest rating of each user with at least two, ties broken by item id so the split is fixed. */
export function leaveLastOut(ratings: Rating[]): LeaveLastOut {
  const latest = new Map<string, Rating>();
  const counts = new Map<string, number>();
  for (const r of ratings) {
    counts.set(r.user, (counts.get(r.user) ?? 0) + 1);
    const current = latest.get(r.user);
    if (!current || r.timestamp > current.timestamp || (r.timestamp === current.timestamp && r.item > current.item)) latest.set(r.user, r);
  }
  const held = new Set([...latest.values()].filter((r) => counts.get(r.user)! >= 2));
  return {
    train: ratings.filter((r) => !held.has(r)),
    test: new Map([...held].map((r) => [r.user, r.item])),
  };
}

function quality(test: Map<string, string>, topTen: (user: string) => string[]): RankingQuality {
  let hits = 0;
  let gain = 0;
  for (const [user, item] of test) {
    const rank = topTen(user).indexOf(item);
    if (rank < 0) continue;
    hits++;
    gain += 1 / Math.log2(rank + 2);
  }
  return { hitRate: hits / test.size, ndcg: gain / test.size, users: test.size };
}

export function toModelEvents(ratings: Rating[]): ModelEvent[] {
  return ratings.map((r) => ({ type: 'rating', user_id: r.user, item_id: r.item, value: r.rating, at: r.timestamp * 1000 }));
}

/** The gateway's recommender, asked for each user's top 10 (it leaves out what the user already rated). */
export function evaluateModel(split: LeaveLastOut, options?: RecommenderOptions): RankingQuality {
  const latest = Math.max(...split.train.map((r) => r.timestamp)) * 1000;
  const model = new TenantModel(options, latest);
  model.add(toModelEvents(split.train));
  model.rebuildNow();
  return quality(split.test, (user) => model.recommend({ user_id: user, limit: 10 }).items.map((i) => i.item_id));
}

/** The baseline: the most-rated items the user has not rated yet. */
export function evaluatePopularity(split: LeaveLastOut): RankingQuality {
  const counts = new Map<string, number>();
  const seen = new Map<string, Set<string>>();
  for (const r of split.train) {
    counts.set(r.item, (counts.get(r.item) ?? 0) + 1);
    if (!seen.has(r.user)) seen.set(r.user, new Set());
    seen.get(r.user)!.add(r.item);
  }
  const order = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([item]) => item);
  return quality(split.test, (user) => {
    const mine = seen.get(user) ?? new Set<string>();
    const out: string[] = [];
    for (const item of order) {
      if (out.length === 10) break;
      if (!mine.has(item)) out.push(item);
    }
    return out;
  });
}
