import type { TaskResult } from '../../../src/tasks/index.js';
import { round4 } from '../round.js';
import type { PopularOrders } from './popular-orders.js';
import type { StrategyChoice } from './strategies.js';

type Recommendation = TaskResult<'recommendations'>;

/** A personal candidate item's summed score. */
export interface Candidate {
  score: number;
  /** The seed that contributed most (its reason), or −1 for a popular item blended in. */
  because: number;
  best: number;
}

export interface RankQuery {
  choice: StrategyChoice;
  limit: number;
  eligible: (item: number) => boolean;
  category: string | undefined;
  seedItem: number | undefined;
}

const popularReason = (category: string | undefined) => (category === undefined ? 'popular' : `popular in ${category}`);

/**
 * Personal candidates first (or blended with popularity), popularity filling the rest. At most (seeds + 1) ×
 * neighbours candidates plus the popular items walked: sorting them is bounded whatever the tenant's size.
 */
export function rankCandidates(
  popularOrders: PopularOrders,
  ids: readonly (string | undefined)[],
  scores: Map<number, Candidate>,
  { choice, limit, eligible, category, seedItem }: RankQuery,
): Recommendation {
  const popular = popularOrders.source(choice.popularity);
  if (choice.blend > 0 && scores.size > 0) {
    // Popular items join the candidates, and every score is personal (÷ best) plus blend × popularity (÷ best).
    let top = 0;
    for (const c of scores.values()) top = Math.max(top, c.score);
    top ||= 1;
    for (const item of popularOrders.walk(popular, category, eligible, limit)) if (!scores.has(item)) scores.set(item, { score: 0, because: -1, best: 0 });
    for (const [item, c] of scores) c.score = c.score / top + choice.blend * popular.share(item);
  }
  const items: Recommendation['items'] = [];
  const taken = new Set<number>();
  const ranked = [...scores].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]);
  const best = ranked[0]?.[1].score ?? 1;
  for (const [item, { score, because }] of ranked.slice(0, limit)) {
    taken.add(item);
    const reason = because < 0 ? popularReason(category) : because === seedItem ? `similar to ${ids[because]}` : `because of interest in ${ids[because]}`;
    items.push({ item_id: ids[item]!, score: round4(score / best), reason });
  }
  const personal = items.length;
  if (items.length < limit) {
    for (const item of popularOrders.walk(popular, category, (i) => eligible(i) && !taken.has(i), limit - items.length)) {
      items.push({ item_id: ids[item]!, score: round4(popular.share(item)), reason: popularReason(category) });
    }
  }
  const strategy = personal === 0 ? (items.length === 0 ? 'none' : 'popularity') : seedItem !== undefined ? 'item_similarity' : 'user_history';
  return { items, strategy };
}
