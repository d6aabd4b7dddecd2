import { round4 } from '../round.js';
import { rankingGain } from './holdout.js';

/** One way of answering a user: personal neighbours or not, which popularity, and how much of it to blend in. */
export interface StrategyChoice {
  name: string;
  personal: boolean;
  popularity: 'recent' | 'all_time';
  blend: number;
}

export interface StrategyQuality {
  chosen: string;
  /** Users whose latest basket was held out. */
  users: number;
  candidates: { name: string; hitRate: number; ndcg: number }[];
}

export const STRATEGIES: readonly StrategyChoice[] = [
  { name: 'history, then popular now', personal: true, popularity: 'recent', blend: 0 },
  { name: 'history, then popular overall', personal: true, popularity: 'all_time', blend: 0 },
  { name: 'history blended with popular overall', personal: true, popularity: 'all_time', blend: 1 },
  { name: 'popular now', personal: false, popularity: 'recent', blend: 0 },
  { name: 'popular overall', personal: false, popularity: 'all_time', blend: 0 },
];
/** Until a rebuild has held-out baskets to choose on. */
export const DEFAULT_CHOICE = STRATEGIES[0]!;
/** An item query is about that item: its neighbours, then what is popular now. */
export const ITEM_QUERY_CHOICE = STRATEGIES[0]!;

/**
 * Scores every strategy on held-out baskets (hit rate, then NDCG at 10) and picks the best; ties go to the simpler,
 * popularity. `rankerFor` prepares a user once and ranks their items under each strategy. Yields once per user.
 */
export function* scoreStrategies<U>(
  holdout: ReadonlyMap<U, Set<number>>,
  rankerFor: (user: U, basket: Set<number>) => (choice: StrategyChoice) => number[],
): Generator<void, { choice: StrategyChoice; quality: StrategyQuality }, void> {
  const totals = STRATEGIES.map((choice) => ({ choice, hit: 0, ndcg: 0 }));
  for (const [user, basket] of holdout) {
    const rankUnder = rankerFor(user, basket);
    for (const t of totals) {
      const gain = rankingGain(rankUnder(t.choice), basket);
      t.hit += gain.hit;
      t.ndcg += gain.ndcg;
    }
    yield;
  }
  const best = [...totals].sort((a, b) => b.hit - a.hit || b.ndcg - a.ndcg || Number(a.choice.personal) - Number(b.choice.personal))[0]!;
  const quality = {
    chosen: best.choice.name,
    users: holdout.size,
    candidates: totals.map((t) => ({ name: t.choice.name, hitRate: round4(t.hit / holdout.size), ndcg: round4(t.ndcg / holdout.size) })),
  };
  return { choice: best.choice, quality };
}
