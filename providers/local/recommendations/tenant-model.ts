import { forgetEvent, noteEvent, startLatest, type LatestInWindow } from './latest-in-window.js';
import type { TaskInput, TaskResult } from '../../../src/tasks/index.js';
import { EventWindow } from './event-window.js';
import { firstK } from './first-k.js';
import { latestBasket, pickHoldout } from './holdout.js';
import { interactionWeight } from './event-weights.js';
import { SimilarityWorkspace, itemNorms, type Neighbours } from './item-neighbours.js';
import { ItemSlots } from './item-slots.js';
import { PopularOrders } from './popular-orders.js';
import { rankCandidates, type Candidate } from './ranking.js';
import { userItemMatrix } from './user-item-matrix.js';
import { DEFAULT_RECOMMENDER_OPTIONS, type ModelEvent, type RecommenderOptions } from './recommender-options.js';
import { DEFAULT_CHOICE, ITEM_QUERY_CHOICE, scoreStrategies, type StrategyChoice, type StrategyQuality } from './strategies.js';

interface UserState {
  id: string;
  items: Map<number, Affinity>;
  /** Events of this user in the window. */
  events: number;
}

/** What one user's events say about one item. */
interface Affinity extends LatestInWindow {
  /** Sum of the events' weights. */
  weight: number;
  /** Events in the window that added to it. */
  events: number;
  user: UserState;
  item: number;
}

type Recommendation = TaskResult<'recommendations'>;

/** Exponents of 2 beyond this overflow once squared and summed; events that far off count as if they were at the edge. */
const MAX_HALF_LIVES = 400;

/** Heap bytes per structure, fitted to `--expose-gc` measurements of models of several shapes (within ~30 %). */
const BYTES = { user: 260, pair: 80, item: 330, neighbour: 8 };

const byRecencyThenItem = (a: Affinity, b: Affinity) => b.last - a.last || a.item - b.item;

/**
 * One tenant's recommender: user histories and popularity change with every event; item neighbours are rebuilt from
 * them in slices (`rebuild()` yields between items) so a rebuild never holds the event loop for long. The model keeps
 * a window of the tenant's most recent events within its bounds; forgetting an event undoes exactly what it added.
 * Item slots are reused once free: a generation per slot tells neighbour lists built before the reuse to skip it.
 */
export class TenantModel {
  private readonly slots: ItemSlots;
  private readonly users = new Map<string, UserState>();
  private readonly window: EventWindow<Affinity>;
  private neighbours: Neighbours[] = [];
  /** Slot generations when the neighbours were built; an entry whose slot changed since is skipped. */
  private builtGeneration: number[] = [];
  private readonly popular: PopularOrders;
  /** How user queries are answered, chosen at each rebuild on held-out baskets of this tenant's own users. */
  private chosen: StrategyChoice = DEFAULT_CHOICE;
  /** The last choice's figures (admins and metrics). */
  quality: StrategyQuality | undefined;

  private pairs = 0;
  private neighbourEntries = 0;
  private readonly origin: number;
  /** Events since the last rebuild started. */
  pending = 0;
  /** Events forgotten to keep the bounds. */
  forgotten = 0;

  constructor(
    private readonly options: RecommenderOptions = DEFAULT_RECOMMENDER_OPTIONS,
    origin = Date.now(),
  ) {
    this.origin = origin;
    this.window = new EventWindow(options.maxEvents);
    this.slots = new ItemSlots(options.maxItems);
    this.popular = new PopularOrders(this.slots);
  }

  get strategyName(): string {
    return this.chosen.name;
  }

  get size(): { events: number; users: number; items: number } {
    return { events: this.window.length, users: this.users.size, items: this.slots.live };
  }

  /** Estimated heap bytes, for the service's memory budget. */
  get bytes(): number {
    return (
      this.window.bytes +
      this.users.size * BYTES.user +
      this.pairs * BYTES.pair +
      this.slots.ids.length * BYTES.item +
      this.neighbourEntries * BYTES.neighbour
    );
  }

  add(events: Iterable<ModelEvent>): void {
    const halfLives = (at: number) =>
      Math.max(-MAX_HALF_LIVES, Math.min(MAX_HALF_LIVES, (at - this.origin) / this.options.popularityHalfLifeMs));
    for (const e of events) {
      const item = this.slots.acquire(e.item_id);
      const weight = interactionWeight(e.type, e.value);
      let user = this.users.get(e.user_id);
      if (!user) this.users.set(e.user_id, (user = { id: e.user_id, items: new Map(), events: 0 }));
      let affinity = user.items.get(item);
      if (affinity) {
        affinity.weight += weight;
        noteEvent(affinity, e.at);
      } else {
        if (user.items.size >= this.options.maxItemsPerUser) this.dropLeastRecent(user);
        affinity = { ...startLatest(e.at), weight, events: 0, user, item };
        user.items.set(item, affinity);
        this.pairs++;
      }
      affinity.events++;
      user.events++;
      const boost = weight * 2 ** halfLives(e.at);
      this.slots.popularity[item]! += boost;
      this.slots.itemEvents[item]!++;
      if (this.window.full) this.forgetOldest();
      this.window.push(affinity, item, weight, boost);
      this.pending++;
      while (this.users.size > this.options.maxUsers || this.slots.live > this.options.maxItems) this.forgetOldest();
    }
  }

  /** Undoes the oldest event in the window. */
  private forgetOldest(): void {
    const e = this.window.shift();
    if (!e) return;
    const { pair, item } = e;
    pair.weight -= e.weight;
    pair.events--;
    forgetEvent(pair);
    // A pair dropped by the per-user bound is no longer in the user's map: undoing it there touches nothing.
    if (pair.events === 0 && pair.user.items.get(pair.item) === pair) {
      pair.user.items.delete(pair.item);
      this.pairs--;
    }
    if (--pair.user.events === 0 && this.users.get(pair.user.id) === pair.user) this.users.delete(pair.user.id);
    this.slots.popularity[item] = Math.max(0, this.slots.popularity[item]! - e.boost);
    if (--this.slots.itemEvents[item]! === 0) this.slots.release(item);
    this.forgotten++;
  }

  /** Linear in the user's bounded history: the bound is what keeps this cheap. */
  private dropLeastRecent(user: UserState): void {
    let oldest: Affinity | undefined;
    for (const a of user.items.values()) if (!oldest || a.last < oldest.last) oldest = a;
    if (!oldest) return;
    user.items.delete(oldest.item);
    this.pairs--;
  }

  /** Categories of items the model holds; others are read when their first event arrives (`takeNewItems`). */
  setCategories(items: Iterable<{ item_id: string; category: string | null }>): void {
    for (const i of items) if (this.slots.setCategory(i.item_id, i.category)) this.popular.categoryChanged();
  }

  /** Items that appeared since the last call (at most the item bound), for their categories to be read. */
  takeNewItems(): string[] {
    return this.slots.takeNew();
  }

  /** Rebuilds neighbours and the popularity order; yields between users and between items so callers can pause. */
  *rebuild(): Generator<void, void, void> {
    this.pending = 0;
    const generation = [...this.slots.generation];
    const holdout = yield* pickHoldout(this.users.values(), (user) => latestBasket([...user.items.values()]));
    const matrix = yield* userItemMatrix(this.users.values(), holdout, this.options.historyCap, this.slots.ids.length);
    const norms = itemNorms(matrix);
    const workspace = new SimilarityWorkspace(matrix, norms, this.options.neighbours);
    const next: Neighbours[] = new Array<Neighbours>(matrix.itemCount);
    let entries = 0;
    for (let item = 0; item < matrix.itemCount; item++) {
      const near = workspace.neighboursOf(item);
      next[item] = near;
      entries += near.items.length;
      yield;
    }
    this.neighbours = next;
    this.neighbourEntries = entries;
    this.builtGeneration = generation;
    this.popular.build();
    if (holdout.size > 0) yield* this.chooseStrategy(holdout);
  }

  /** Scores every strategy on the held-out baskets and serves the best. */
  private *chooseStrategy(holdout: Map<UserState, Set<number>>): Generator<void, void, void> {
    const result = yield* scoreStrategies(holdout, (user, basket) => {
      const history = new Map([...user.items].filter(([item]) => !basket.has(item)));
      const eligible = (item: number) => !history.has(item);
      return (choice) => {
        const scores = choice.personal ? this.personalScores(undefined, history, eligible) : new Map<number, Candidate>();
        return rankCandidates(this.popular, this.slots.ids, scores, { choice, limit: 10, eligible, category: undefined, seedItem: undefined }).items.map((i) => this.slots.slotOf(i.item_id)!);
      };
    });
    this.chosen = result.choice;
    this.quality = result.quality;
  }

  /** Runs a rebuild to the end at once (tests, evaluation). */
  rebuildNow(): void {
    for (const _ of this.rebuild()) {
      // every slice at once
    }
  }

  recommend(input: TaskInput<'recommendations'>): Recommendation {
    const limit = input.limit ?? 10;
    const category = input.filters?.category;
    const excluded = new Set<number>();
    for (const id of input.exclude ?? []) {
      const index = this.slots.slotOf(id);
      if (index !== undefined) excluded.add(index);
    }
    const seedItem = input.item_id === undefined ? undefined : this.slots.slotOf(input.item_id);
    if (seedItem !== undefined) excluded.add(seedItem);
    const history = input.user_id === undefined ? undefined : this.users.get(input.user_id)?.items;
    // Whatever the user already viewed, carted, bought or rated is theirs to find again, not a recommendation.
    const eligible = (item: number) =>
      !excluded.has(item) && !history?.has(item) && (category === undefined || this.slots.categories[item] === category);
    // An item query is about that item; a user's is answered the way this tenant's own held-out baskets were best.
    const choice = seedItem === undefined ? this.chosen : ITEM_QUERY_CHOICE;
    const scores = choice.personal ? this.personalScores(seedItem, history, eligible) : new Map<number, Candidate>();
    return rankCandidates(this.popular, this.slots.ids, scores, { choice, limit, eligible, category, seedItem });
  }

  /** Neighbours of the seed item and of the user's recent items, summed; `because` is the seed that gave most. */
  private personalScores(seedItem: number | undefined, history: Map<number, Affinity> | undefined, eligible: (item: number) => boolean): Map<number, Candidate> {
    const scores = new Map<number, Candidate>();
    const spread = (seed: number, weight: number) => {
      const near = this.slots.current(seed, this.builtGeneration) ? this.neighbours[seed] : undefined;
      if (!near) return;
      for (let k = 0; k < near.items.length; k++) {
        const item = near.items[k]!;
        if (!eligible(item) || !this.slots.current(item, this.builtGeneration)) continue;
        const gain = weight * near.scores[k]!;
        const entry = scores.get(item);
        if (!entry) scores.set(item, { score: gain, because: seed, best: gain });
        else {
          entry.score += gain;
          if (gain > entry.best) Object.assign(entry, { because: seed, best: gain });
        }
      }
    };
    if (seedItem !== undefined) spread(seedItem, 1);
    if (history && history.size > 0) {
      for (const [item, weight] of this.interestSeeds(history)) spread(item, seedItem === undefined ? weight : weight / 2);
    }
    return scores;
  }

  /** The user's most recent items, each weighted by interest that halves per half-life before their latest event. */
  private interestSeeds(history: Map<number, Affinity>): [number, number][] {
    const entries = firstK(history.values(), this.options.historySeeds, byRecencyThenItem);
    const latest = entries[0]!.last;
    return entries.map((a) => [a.item, Math.log1p(a.weight) * 2 ** ((a.last - latest) / this.options.interestHalfLifeMs)]);
  }

}
