/** A user's events within this long before their latest one are their latest basket. */
export const BASKET_WINDOW_MS = 86_400_000;
/** Users whose latest basket a rebuild holds out to score the strategies (at most), and the fewest worth a choice. */
export const HOLDOUT_USERS = 300;
export const MIN_HOLDOUT_USERS = 50;
/** About one user in this many is held out: the rest of the tenant's baskets all teach the neighbours. */
const HOLDOUT_EVERY = 10;

/** FNV-1a: the same users are held out on every instance and every rebuild, whatever the order events came in. */
function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The items of a user's latest basket (events within a day of their latest), when the user also has older items:
 * otherwise there is nothing left to recommend from.
 */
export function latestBasket(items: readonly { item: number; last: number }[]): Set<number> | undefined {
  let latest = -Infinity;
  for (const a of items) latest = Math.max(latest, a.last);
  const basket = new Set<number>();
  for (const a of items) if (a.last > latest - BASKET_WINDOW_MS) basket.add(a.item);
  return basket.size > 0 && basket.size < items.length ? basket : undefined;
}

export const heldOut = (userId: string) => hashOf(userId) % HOLDOUT_EVERY === 0;

/** HR@10 and NDCG@10 of one ranked list against the held-out basket. */
export function rankingGain(ranked: readonly number[], basket: ReadonlySet<number>): { hit: number; ndcg: number } {
  let dcg = 0;
  ranked.forEach((item, rank) => {
    if (basket.has(item)) dcg += 1 / Math.log2(rank + 2);
  });
  let ideal = 0;
  for (let rank = 0; rank < Math.min(10, basket.size); rank++) ideal += 1 / Math.log2(rank + 2);
  return { hit: dcg > 0 ? 1 : 0, ndcg: dcg / ideal };
}

/**
 * About one user in ten with an older history has their latest basket held out of the neighbours, so the strategies
 * can be scored on what those users went on to buy; none below MIN_HOLDOUT_USERS candidates (too little to choose on).
 * Yields every thousand users so a rebuild can pause.
 */
export function* pickHoldout<U extends { id: string }>(users: Iterable<U>, basketOf: (user: U) => Set<number> | undefined): Generator<void, Map<U, Set<number>>, void> {
  const holdout = new Map<U, Set<number>>();
  let seen = 0;
  for (const user of users) {
    if (holdout.size >= HOLDOUT_USERS) break;
    if (heldOut(user.id)) {
      const basket = basketOf(user);
      if (basket) holdout.set(user, basket);
    }
    if (++seen % 1_000 === 0) yield;
  }
  return holdout.size >= MIN_HOLDOUT_USERS ? holdout : new Map();
}
