import { firstK } from './first-k.js';
import { transpose, type InteractionMatrix } from './item-neighbours.js';

interface UserItems {
  items: Map<number, { item: number; weight: number; last: number }>;
}

const byRecency = (a: { last: number }, b: { last: number }) => b.last - a.last;

/**
 * Users × items with log-damped weights, each user's history capped to its most recent items and their held-out
 * basket left out. Yields every thousand users so a rebuild can pause.
 */
export function* userItemMatrix<U extends UserItems>(
  users: Iterable<U>,
  holdout: ReadonlyMap<U, Set<number>>,
  historyCap: number,
  itemCount: number,
): Generator<void, InteractionMatrix, void> {
  const userPtr: number[] = [0];
  const items: number[] = [];
  const values: number[] = [];
  let seen = 0;
  for (const user of users) {
    const basket = holdout.get(user);
    const own = basket ? [...user.items.values()].filter((a) => !basket.has(a.item)) : user.items.values();
    const entries = user.items.size > historyCap ? firstK(own, historyCap, byRecency) : [...own];
    // Heavy users co-occur with everything: damp each user's contribution by the length of their history.
    const damping = 1 / Math.sqrt(Math.log2(2 + entries.length));
    for (const a of entries) {
      items.push(a.item);
      values.push(Math.log1p(a.weight) * damping);
    }
    userPtr.push(items.length);
    if (++seen % 1_000 === 0) yield;
  }
  return transpose(itemCount, Int32Array.from(userPtr), Int32Array.from(items), Float32Array.from(values));
}
