import type { InteractionType } from '../../../repositories/types.js';
import { forgetEvent, noteEvent, startLatest, type LatestInWindow } from './latest-in-window.js';
import type { TaskInput, TaskResult } from '../../../src/tasks/index.js';
import { round4 } from '../round.js';
import { EventWindow } from './event-window.js';
import { firstK } from './first-k.js';
import { HOLDOUT_USERS, MIN_HOLDOUT_USERS, heldOut, latestBasket, rankingGain } from './holdout.js';
import { interactionWeight } from './event-weights.js';
import { SimilarityWorkspace, itemNorms, transpose, type Neighbours } from './item-neighbours.js';

export interface ModelEvent {
  type: InteractionType;
  user_id: string;
  item_id: string;
  value: number | null;
  /** Epoch milliseconds. */
  at: number;
}

export interface RecommenderOptions {
  /** Neighbours kept per item. */
  neighbours: number;
  /** Most recent items per user that count towards item similarity (very long histories say little about any pair). */
  historyCap: number;
  /** Items of the user's history that seed a user-based query, most recent first. */
  historySeeds: number;
  /** A user's interest in an item halves with each such period before their latest event. */
  interestHalfLifeMs: number;
  /** Popularity (the cold-start answer) favours what is popular now: an event's weight halves with each period. */
  popularityHalfLifeMs: number;
  /** Bounds on one tenant's model. Past any of them the oldest events are forgotten until all hold again. */
  maxEvents: number;
  maxUsers: number;
  maxItems: number;
  /** Distinct items remembered per user (what is never recommended back to them); their least recent go first. */
  maxItemsPerUser: number;
}

export const DEFAULT_RECOMMENDER_OPTIONS: RecommenderOptions = {
  neighbours: 50,
  historyCap: 200,
  historySeeds: 20,
  interestHalfLifeMs: 86_400_000,
  popularityHalfLifeMs: 7 * 86_400_000,
  maxEvents: 500_000,
  maxUsers: 100_000,
  maxItems: 50_000,
  maxItemsPerUser: 1000,
};

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

interface Candidate {
  score: number;
  /** The seed that contributed most (its reason), or −1 for a popular item blended in. */
  because: number;
  best: number;
}

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

interface PopularSource {
  kind: StrategyChoice['popularity'];
  order: Int32Array;
  byCategory: Map<string, Int32Array>;
  value: (slot: number) => number;
  share: (slot: number) => number;
}

export const STRATEGIES: readonly StrategyChoice[] = [
  { name: 'history, then popular now', personal: true, popularity: 'recent', blend: 0 },
  { name: 'history, then popular overall', personal: true, popularity: 'all_time', blend: 0 },
  { name: 'history blended with popular overall', personal: true, popularity: 'all_time', blend: 1 },
  { name: 'popular now', personal: false, popularity: 'recent', blend: 0 },
  { name: 'popular overall', personal: false, popularity: 'all_time', blend: 0 },
];
const DEFAULT_CHOICE = STRATEGIES[0]!;
const ITEM_QUERY_CHOICE = STRATEGIES[0]!;
type Recommended = Recommendation['items'][number];

/** Exponents of 2 beyond this overflow once squared and summed; events that far off count as if they were at the edge. */
const MAX_HALF_LIVES = 400;

/** Heap bytes per structure, fitted to `--expose-gc` measurements of models of several shapes (within ~30 %). */
const BYTES = { user: 260, pair: 80, item: 330, neighbour: 8 };

const EMPTY_ORDER = new Int32Array(0);

const byRecency = (a: Affinity, b: Affinity) => b.last - a.last;
const byRecencyThenItem = (a: Affinity, b: Affinity) => b.last - a.last || a.item - b.item;


/**
 * One tenant's recommender: user histories and popularity change with every event; item neighbours are rebuilt from
 * them in slices (`rebuild()` yields between items) so a rebuild never holds the event loop for long. The model keeps
 * a window of the tenant's most recent events within its bounds; forgetting an event undoes exactly what it added.
 * Item slots are reused once free: a generation per slot tells neighbour lists built before the reuse to skip it.
 */
export class TenantModel {
  private readonly itemIndex = new Map<string, number>();
  private readonly itemIds: (string | undefined)[] = [];
  private readonly categories: (string | null)[] = [];
  /** Events per item slot in the window: 0 means the slot is free. */
  private readonly itemEvents: number[] = [];
  private readonly generation: number[] = [];
  private readonly freeSlots: number[] = [];
  private readonly users = new Map<string, UserState>();
  private readonly window: EventWindow<Affinity>;
  /** Popularity in growth form (weight × 2^(t − origin) / half-life): ranks the same as decayed weight at any "now". */
  private readonly popularity: number[] = [];
  private neighbours: Neighbours[] = [];
  /** Slot generations when the neighbours were built; an entry whose slot changed since is skipped. */
  private builtGeneration: number[] = [];
  private popularOrder: Int32Array = EMPTY_ORDER;
  private popularByCategory = new Map<string, Int32Array>();
  /** Items by their events in the window: popularity over the whole window rather than now. */
  private countOrder: Int32Array = EMPTY_ORDER;
  private countByCategory = new Map<string, Int32Array>();
  /** How user queries are answered, chosen at each rebuild on held-out baskets of this tenant's own users. */
  private chosen: StrategyChoice = DEFAULT_CHOICE;
  /** The last choice's figures (admins and metrics). */
  quality: StrategyQuality | undefined;

  get strategyName(): string {
    return this.chosen.name;
  }
  private popularGeneration: number[] = [];
  /** Items that appeared since `takeNewItems()` (their catalogue categories are still to be read). */
  private fresh: string[] = [];
  /** A category changed since the per-category orders were built: walk the overall order until the next rebuild. */
  private categoriesChanged = false;
  private liveItems = 0;
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
  }

  get size(): { events: number; users: number; items: number } {
    return { events: this.window.length, users: this.users.size, items: this.liveItems };
  }

  /** Estimated heap bytes, for the service's memory budget. */
  get bytes(): number {
    return (
      this.window.bytes +
      this.users.size * BYTES.user +
      this.pairs * BYTES.pair +
      this.itemIds.length * BYTES.item +
      this.neighbourEntries * BYTES.neighbour
    );
  }

  private slotOf(itemId: string): number {
    let slot = this.itemIndex.get(itemId);
    if (slot !== undefined) return slot;
    slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.itemIds.length;
      this.itemIds.push(itemId);
      this.categories.push(null);
      this.itemEvents.push(0);
      this.popularity.push(0);
      this.generation.push(0);
    } else {
      this.itemIds[slot] = itemId;
      this.generation[slot]!++;
    }
    this.itemIndex.set(itemId, slot);
    this.liveItems++;
    this.fresh.push(itemId);
    if (this.fresh.length >= 2 * this.options.maxItems) this.fresh = this.fresh.slice(-this.options.maxItems);
    return slot;
  }

  private freeSlot(slot: number): void {
    this.itemIndex.delete(this.itemIds[slot]!);
    this.itemIds[slot] = undefined;
    this.categories[slot] = null;
    this.popularity[slot] = 0;
    this.freeSlots.push(slot);
    this.liveItems--;
  }

  add(events: Iterable<ModelEvent>): void {
    const halfLives = (at: number) =>
      Math.max(-MAX_HALF_LIVES, Math.min(MAX_HALF_LIVES, (at - this.origin) / this.options.popularityHalfLifeMs));
    for (const e of events) {
      const item = this.slotOf(e.item_id);
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
      this.popularity[item]! += boost;
      this.itemEvents[item]!++;
      if (this.window.full) this.forgetOldest();
      this.window.push(affinity, item, weight, boost);
      this.pending++;
      while (this.users.size > this.options.maxUsers || this.liveItems > this.options.maxItems) this.forgetOldest();
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
    this.popularity[item] = Math.max(0, this.popularity[item]! - e.boost);
    if (--this.itemEvents[item]! === 0) this.freeSlot(item);
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
    for (const i of items) {
      const slot = this.itemIndex.get(i.item_id);
      if (slot === undefined || this.categories[slot] === i.category) continue;
      this.categories[slot] = i.category;
      this.categoriesChanged = true;
    }
  }

  /** Items that appeared since the last call (at most the item bound), for their categories to be read. */
  takeNewItems(): string[] {
    const out = this.fresh.filter((id) => this.itemIndex.has(id));
    this.fresh = [];
    return [...new Set(out)];
  }

  /** Rebuilds neighbours and the popularity order; yields between users and between items so callers can pause. */
  *rebuild(): Generator<void, void, void> {
    this.pending = 0;
    const generation = [...this.generation];
    const holdout = yield* this.pickHoldout();
    const matrix = yield* this.matrix(holdout);
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
    this.buildPopularOrders();
    if (holdout.size > 0) yield* this.chooseStrategy(holdout);
  }

  /**
   * About one user in ten with an older history has their latest basket held out of the neighbours, so the strategies
   * can be scored on what those users went on to buy; none below MIN_HOLDOUT_USERS candidates (too little to choose on).
   */
  private *pickHoldout(): Generator<void, Map<UserState, Set<number>>, void> {
    const holdout = new Map<UserState, Set<number>>();
    let seen = 0;
    for (const user of this.users.values()) {
      if (holdout.size >= HOLDOUT_USERS) break;
      if (heldOut(user.id)) {
        const basket = latestBasket([...user.items.values()]);
        if (basket) holdout.set(user, basket);
      }
      if (++seen % 1_000 === 0) yield;
    }
    return holdout.size >= MIN_HOLDOUT_USERS ? holdout : new Map();
  }

  /** Scores every strategy on the held-out baskets and serves the best (ties go to the simpler, popularity). */
  private *chooseStrategy(holdout: Map<UserState, Set<number>>): Generator<void, void, void> {
    const totals = STRATEGIES.map((choice) => ({ choice, hit: 0, ndcg: 0 }));
    for (const [user, basket] of holdout) {
      const history = new Map([...user.items].filter(([item]) => !basket.has(item)));
      const eligible = (item: number) => !history.has(item);
      for (const t of totals) {
        const scores = t.choice.personal ? this.personalScores(undefined, history, eligible) : new Map<number, Candidate>();
        const ranked = this.rank(scores, t.choice, 10, eligible, undefined, undefined).items.map((i) => this.itemIndex.get(i.item_id)!);
        const gain = rankingGain(ranked, basket);
        t.hit += gain.hit;
        t.ndcg += gain.ndcg;
      }
      yield;
    }
    const best = [...totals].sort((a, b) => b.hit - a.hit || b.ndcg - a.ndcg || Number(a.choice.personal) - Number(b.choice.personal))[0]!;
    this.chosen = best.choice;
    this.quality = {
      chosen: best.choice.name,
      users: holdout.size,
      candidates: totals.map((t) => ({ name: t.choice.name, hitRate: round4(t.hit / holdout.size), ndcg: round4(t.ndcg / holdout.size) })),
    };
  }

  /** Runs a rebuild to the end at once (tests, evaluation). */
  rebuildNow(): void {
    for (const _ of this.rebuild()) {
      // every slice at once
    }
  }

  /** Users × items with log-damped weights, each user's history capped to its most recent items. */
  private *matrix(holdout: ReadonlyMap<UserState, Set<number>>): Generator<void, ReturnType<typeof transpose>, void> {
    const userPtr: number[] = [0];
    const items: number[] = [];
    const values: number[] = [];
    let seen = 0;
    for (const user of this.users.values()) {
      const basket = holdout.get(user);
      const own = basket ? [...user.items.values()].filter((a) => !basket.has(a.item)) : user.items.values();
      const entries = user.items.size > this.options.historyCap ? firstK(own, this.options.historyCap, byRecency) : [...own];
      // Heavy users co-occur with everything: damp each user's contribution by the length of their history.
      const damping = 1 / Math.sqrt(Math.log2(2 + entries.length));
      for (const a of entries) {
        items.push(a.item);
        values.push(Math.log1p(a.weight) * damping);
      }
      userPtr.push(items.length);
      if (++seen % 1_000 === 0) yield;
    }
    return transpose(this.itemIds.length, Int32Array.from(userPtr), Int32Array.from(items), Float32Array.from(values));
  }

  /** Whether a slot still holds the item it held when `built` was taken. */
  private current(slot: number, built: number[]): boolean {
    return this.itemEvents[slot]! > 0 && built[slot] === this.generation[slot];
  }

  recommend(input: TaskInput<'recommendations'>): Recommendation {
    const limit = input.limit ?? 10;
    const category = input.filters?.category;
    const excluded = new Set<number>();
    for (const id of input.exclude ?? []) {
      const index = this.itemIndex.get(id);
      if (index !== undefined) excluded.add(index);
    }
    const seedItem = input.item_id === undefined ? undefined : this.itemIndex.get(input.item_id);
    if (seedItem !== undefined) excluded.add(seedItem);
    const history = input.user_id === undefined ? undefined : this.users.get(input.user_id)?.items;
    // Whatever the user already viewed, carted, bought or rated is theirs to find again, not a recommendation.
    const eligible = (item: number) =>
      !excluded.has(item) && !history?.has(item) && (category === undefined || this.categories[item] === category);
    // An item query is about that item; a user's is answered the way this tenant's own held-out baskets were best.
    const choice = seedItem === undefined ? this.chosen : ITEM_QUERY_CHOICE;
    const scores = choice.personal ? this.personalScores(seedItem, history, eligible) : new Map<number, Candidate>();
    return this.rank(scores, choice, limit, eligible, category, seedItem);
  }

  /** Neighbours of the seed item and of the user's recent items, summed; `because` is the seed that gave most. */
  private personalScores(seedItem: number | undefined, history: Map<number, Affinity> | undefined, eligible: (item: number) => boolean): Map<number, Candidate> {
    const scores = new Map<number, Candidate>();
    const spread = (seed: number, weight: number) => {
      const near = this.current(seed, this.builtGeneration) ? this.neighbours[seed] : undefined;
      if (!near) return;
      for (let k = 0; k < near.items.length; k++) {
        const item = near.items[k]!;
        if (!eligible(item) || !this.current(item, this.builtGeneration)) continue;
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

  /**
   * Personal candidates first (or blended with popularity), popularity filling the rest. At most (seeds + 1) ×
   * neighbours candidates plus the popular items walked: sorting them is bounded whatever the tenant's size.
   */
  private rank(
    scores: Map<number, Candidate>,
    choice: StrategyChoice,
    limit: number,
    eligible: (item: number) => boolean,
    category: string | undefined,
    seedItem: number | undefined,
  ): Recommendation {
    const popular = this.popularSource(choice.popularity);
    if (choice.blend > 0 && scores.size > 0) {
      // Popular items join the candidates, and every score is personal (÷ best) plus blend × popularity (÷ best).
      let top = 0;
      for (const c of scores.values()) top = Math.max(top, c.score);
      top ||= 1;
      for (const item of this.walkPopular(popular, category, eligible, limit)) if (!scores.has(item)) scores.set(item, { score: 0, because: -1, best: 0 });
      for (const [item, c] of scores) c.score = c.score / top + choice.blend * popular.share(item);
    }
    const items: Recommended[] = [];
    const taken = new Set<number>();
    const ranked = [...scores].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]);
    const best = ranked[0]?.[1].score ?? 1;
    for (const [item, { score, because }] of ranked.slice(0, limit)) {
      taken.add(item);
      const reason =
        because < 0 ? this.popularReason(category) : because === seedItem ? `similar to ${this.itemIds[because]}` : `because of interest in ${this.itemIds[because]}`;
      items.push({ item_id: this.itemIds[item]!, score: round4(score / best), reason });
    }
    const personal = items.length;
    if (items.length < limit) {
      for (const item of this.walkPopular(popular, category, (i) => eligible(i) && !taken.has(i), limit - items.length)) {
        items.push({ item_id: this.itemIds[item]!, score: round4(popular.share(item)), reason: this.popularReason(category) });
      }
    }
    const strategy = personal === 0 ? (items.length === 0 ? 'none' : 'popularity') : seedItem !== undefined ? 'item_similarity' : 'user_history';
    return { items, strategy };
  }

  private popularReason(category: string | undefined): string {
    return category === undefined ? 'popular' : `popular in ${category}`;
  }

  /** The user's most recent items, each weighted by interest that halves per half-life before their latest event. */
  private interestSeeds(history: Map<number, Affinity>): [number, number][] {
    const entries = firstK(history.values(), this.options.historySeeds, byRecencyThenItem);
    const latest = entries[0]!.last;
    return entries.map((a) => [a.item, Math.log1p(a.weight) * 2 ** ((a.last - latest) / this.options.interestHalfLifeMs)]);
  }

  /** One popularity ranking: what is popular now (decayed) or over the whole window (event counts). */
  private popularSource(kind: StrategyChoice['popularity']): PopularSource {
    const order = kind === 'recent' ? this.popularOrder : this.countOrder;
    const value = kind === 'recent' ? (slot: number) => this.popularity[slot]! : (slot: number) => this.itemEvents[slot]!;
    let best = 0;
    for (const item of order) {
      if (this.current(item, this.popularGeneration)) {
        best = value(item);
        break;
      }
    }
    const byCategory = kind === 'recent' ? this.popularByCategory : this.countByCategory;
    return { kind, order, byCategory, value, share: (slot) => (best > 0 ? Math.min(1, value(slot) / best) : 0) };
  }

  /**
   * The first `take` eligible items of a popularity order from the last rebuild (items newer than it join at the next
   * one), walking only as far as the answer needs: past the user's own items and stale slots, never the whole catalogue.
   */
  private walkPopular(source: PopularSource, category: string | undefined, eligible: (item: number) => boolean, take: number): number[] {
    const order = category === undefined || this.categoriesChanged ? source.order : (source.byCategory.get(category) ?? EMPTY_ORDER);
    const out: number[] = [];
    for (const item of order) {
      if (out.length >= take) break;
      if (!this.current(item, this.popularGeneration) || !eligible(item) || source.value(item) <= 0) continue;
      out.push(item);
    }
    return out;
  }

  /** Most popular first, overall and per category. */
  private buildPopularOrders(): void {
    const live: number[] = [];
    for (let slot = 0; slot < this.itemIds.length; slot++) if (this.itemEvents[slot]! > 0) live.push(slot);
    const byCategoryOf = (order: Int32Array) => {
      const byCategory = new Map<string, number[]>();
      for (const slot of order) {
        const category = this.categories[slot];
        if (category === null || category === undefined) continue;
        let list = byCategory.get(category);
        if (!list) byCategory.set(category, (list = []));
        list.push(slot);
      }
      return new Map([...byCategory].map(([c, list]) => [c, Int32Array.from(list)]));
    };
    this.popularOrder = Int32Array.from(live).sort((a, b) => this.popularity[b]! - this.popularity[a]! || a - b);
    this.countOrder = Int32Array.from(live).sort((a, b) => this.itemEvents[b]! - this.itemEvents[a]! || a - b);
    this.popularByCategory = byCategoryOf(this.popularOrder);
    this.countByCategory = byCategoryOf(this.countOrder);
    this.popularGeneration = [...this.generation];
    this.categoriesChanged = false;
  }
}
