import type { InteractionType } from '../../../repositories/types.js';
import type { TaskInput, TaskResult } from '../../task-schemas.js';
import { round4 } from '../round.js';
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
}

export const DEFAULT_RECOMMENDER_OPTIONS: RecommenderOptions = {
  neighbours: 50,
  historyCap: 200,
  historySeeds: 20,
  interestHalfLifeMs: 86_400_000,
  popularityHalfLifeMs: 7 * 86_400_000,
};

interface Affinity {
  /** Sum of the events' weights. */
  weight: number;
  last: number;
}

type Recommendation = TaskResult<'recommendations'>;
type Recommended = Recommendation['items'][number];

/** Exponents of 2 beyond this overflow once squared and summed; events that far off count as if they were at the edge. */
const MAX_HALF_LIVES = 400;

/**
 * One tenant's recommender: user histories and popularity change with every event; item neighbours are rebuilt from
 * them in slices (`rebuild()` yields between items) so a rebuild never holds the event loop for long.
 */
export class TenantModel {
  private readonly itemIndex = new Map<string, number>();
  private readonly itemIds: string[] = [];
  private readonly categories: (string | null)[] = [];
  private readonly users = new Map<string, Map<number, Affinity>>();
  /** Popularity in growth form (weight × 2^(t − origin) / half-life): ranks the same as decayed weight at any "now". */
  private popularity: number[] = [];
  private neighbours: Neighbours[] = [];
  private popularOrder: Int32Array = new Int32Array(0);
  private readonly origin: number;
  private eventCount = 0;
  /** Events since the last rebuild started. */
  pending = 0;

  constructor(
    private readonly options: RecommenderOptions = DEFAULT_RECOMMENDER_OPTIONS,
    origin = Date.now(),
  ) {
    this.origin = origin;
  }

  get size(): { events: number; users: number; items: number } {
    return { events: this.eventCount, users: this.users.size, items: this.itemIds.length };
  }

  private indexOf(itemId: string): number {
    let index = this.itemIndex.get(itemId);
    if (index === undefined) {
      index = this.itemIds.length;
      this.itemIndex.set(itemId, index);
      this.itemIds.push(itemId);
      this.categories.push(null);
      this.popularity.push(0);
    }
    return index;
  }

  add(events: Iterable<ModelEvent>): void {
    const halfLives = (at: number) =>
      Math.max(-MAX_HALF_LIVES, Math.min(MAX_HALF_LIVES, (at - this.origin) / this.options.popularityHalfLifeMs));
    for (const e of events) {
      const item = this.indexOf(e.item_id);
      const weight = interactionWeight(e.type, e.value);
      let history = this.users.get(e.user_id);
      if (!history) this.users.set(e.user_id, (history = new Map()));
      const affinity = history.get(item);
      if (affinity) {
        affinity.weight += weight;
        affinity.last = Math.max(affinity.last, e.at);
      } else {
        history.set(item, { weight, last: e.at });
      }
      this.popularity[item]! += weight * 2 ** halfLives(e.at);
      this.eventCount++;
      this.pending++;
    }
  }

  setCategories(items: Iterable<{ item_id: string; category: string | null }>): void {
    for (const i of items) this.categories[this.indexOf(i.item_id)] = i.category;
  }

  /** Rebuilds neighbours and the popularity order; yields after every `sliceItems` items so callers can pause. */
  *rebuild(sliceItems = 256): Generator<void, void, void> {
    this.pending = 0;
    const matrix = this.matrix();
    const norms = itemNorms(matrix);
    const workspace = new SimilarityWorkspace(matrix, norms, this.options.neighbours);
    const next: Neighbours[] = new Array<Neighbours>(matrix.itemCount);
    for (let item = 0; item < matrix.itemCount; item++) {
      next[item] = workspace.neighboursOf(item);
      if ((item + 1) % sliceItems === 0) yield;
    }
    this.neighbours = next;
    this.popularOrder = this.currentPopularOrder();
  }

  /** Runs a rebuild to the end at once (tests, evaluation, first load). */
  rebuildNow(): void {
    for (const _ of this.rebuild()) {
      // every slice at once
    }
  }

  /** Users × items with log-damped weights, each user's history capped to its most recent items. */
  private matrix() {
    const userPtr = new Int32Array(this.users.size + 1);
    const items: number[] = [];
    const values: number[] = [];
    let u = 0;
    for (const history of this.users.values()) {
      let entries = [...history];
      if (entries.length > this.options.historyCap) {
        entries = entries.sort((a, b) => b[1].last - a[1].last).slice(0, this.options.historyCap);
      }
      // Heavy users co-occur with everything: damp each user's contribution by the length of their history.
      const damping = 1 / Math.sqrt(Math.log2(2 + entries.length));
      for (const [item, affinity] of entries) {
        items.push(item);
        values.push(Math.log1p(affinity.weight) * damping);
      }
      userPtr[++u] = items.length;
    }
    return transpose(this.itemIds.length, userPtr, Int32Array.from(items), Float32Array.from(values));
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
    const history = input.user_id === undefined ? undefined : this.users.get(input.user_id);
    // Whatever the user already viewed, carted, bought or rated is theirs to find again, not a recommendation.
    for (const item of history?.keys() ?? []) excluded.add(item);
    const eligible = (item: number) => !excluded.has(item) && (category === undefined || this.categories[item] === category);

    // `because` is the seed that contributed most: the reason shown for the item.
    const scores = new Map<number, { score: number; because: number; best: number }>();
    const spread = (seed: number, weight: number) => {
      const near = this.neighbours[seed];
      if (!near) return;
      for (let k = 0; k < near.items.length; k++) {
        const item = near.items[k]!;
        if (!eligible(item)) continue;
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

    const items: Recommended[] = [];
    const ranked = [...scores].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]);
    const top = ranked[0]?.[1].score ?? 1;
    for (const [item, { score, because }] of ranked.slice(0, limit)) {
      excluded.add(item);
      const reason = because === seedItem ? `similar to ${this.itemIds[because]}` : `because of interest in ${this.itemIds[because]}`;
      items.push({ item_id: this.itemIds[item]!, score: round4(score / top), reason });
    }
    const personal = items.length;
    if (items.length < limit) this.fillWithPopular(items, limit, eligible, category);
    const strategy = personal === 0 ? (items.length === 0 ? 'none' : 'popularity') : seedItem !== undefined ? 'item_similarity' : 'user_history';
    return { items, strategy };
  }

  /** The user's most recent items, each weighted by interest that halves per half-life before their latest event. */
  private interestSeeds(history: Map<number, Affinity>): [number, number][] {
    const entries = [...history].sort((a, b) => b[1].last - a[1].last || a[0] - b[0]).slice(0, this.options.historySeeds);
    const latest = entries[0]![1].last;
    return entries.map(([item, a]) => [item, Math.log1p(a.weight) * 2 ** ((a.last - latest) / this.options.interestHalfLifeMs)]);
  }

  private fillWithPopular(items: Recommended[], limit: number, eligible: (item: number) => boolean, category: string | undefined): void {
    const order = this.popularOrder.length === this.itemIds.length ? this.popularOrder : this.currentPopularOrder();
    const best = this.popularity[order[0] ?? 0] ?? 0;
    for (const item of order) {
      if (items.length >= limit) break;
      if (!eligible(item) || this.popularity[item]! <= 0) continue;
      const reason = category === undefined ? 'popular' : `popular in ${category}`;
      items.push({ item_id: this.itemIds[item]!, score: round4(best > 0 ? this.popularity[item]! / best : 0), reason });
    }
  }

  /** Most popular first. Between rebuilds, new items make the stored order stale and this is sorted afresh. */
  private currentPopularOrder(): Int32Array {
    return Int32Array.from(this.popularity.keys()).sort((a, b) => this.popularity[b]! - this.popularity[a]! || a - b);
  }
}
