import type { ItemSlots } from './item-slots.js';
import type { StrategyChoice } from './strategies.js';

export interface PopularSource {
  kind: StrategyChoice['popularity'];
  order: Int32Array;
  byCategory: Map<string, Int32Array>;
  value: (slot: number) => number;
  share: (slot: number) => number;
}

const EMPTY_ORDER = new Int32Array(0);

/**
 * The model's popularity rankings as of its last rebuild: what is popular now (decayed weight) and over the whole
 * window (event counts), overall and per category. Items newer than the rebuild join at the next one.
 */
export class PopularOrders {
  private recentOrder: Int32Array = EMPTY_ORDER;
  private recentByCategory = new Map<string, Int32Array>();
  private countOrder: Int32Array = EMPTY_ORDER;
  private countByCategory = new Map<string, Int32Array>();
  /** Slot generations when the orders were built: a slot reused since is skipped. */
  private built: number[] = [];
  /** A category changed since the per-category orders were built: walk the overall order until the next rebuild. */
  private categoriesChanged = false;

  constructor(private readonly slots: ItemSlots) {}

  categoryChanged(): void {
    this.categoriesChanged = true;
  }

  private current(slot: number): boolean {
    return this.slots.current(slot, this.built);
  }

  /** One ranking, with each item's share of the top item's value. */
  source(kind: StrategyChoice['popularity']): PopularSource {
    const { popularity, itemEvents } = this.slots;
    const order = kind === 'recent' ? this.recentOrder : this.countOrder;
    const value = kind === 'recent' ? (slot: number) => popularity[slot]! : (slot: number) => itemEvents[slot]!;
    let best = 0;
    for (const item of order) {
      if (this.current(item)) {
        best = value(item);
        break;
      }
    }
    const byCategory = kind === 'recent' ? this.recentByCategory : this.countByCategory;
    return { kind, order, byCategory, value, share: (slot) => (best > 0 ? Math.min(1, value(slot) / best) : 0) };
  }

  /**
   * The first `take` eligible items of a ranking, walking only as far as the answer needs: past the user's own items
   * and stale slots, never the whole catalogue.
   */
  walk(source: PopularSource, category: string | undefined, eligible: (item: number) => boolean, take: number): number[] {
    const order = category === undefined || this.categoriesChanged ? source.order : (source.byCategory.get(category) ?? EMPTY_ORDER);
    const out: number[] = [];
    for (const item of order) {
      if (out.length >= take) break;
      if (!this.current(item) || !eligible(item) || source.value(item) <= 0) continue;
      out.push(item);
    }
    return out;
  }

  /** Most popular first, overall and per category. */
  build(): void {
    const { itemEvents, popularity, categories, generation } = this.slots;
    const live: number[] = [];
    for (let slot = 0; slot < itemEvents.length; slot++) if (itemEvents[slot]! > 0) live.push(slot);
    const byCategoryOf = (order: Int32Array) => {
      const byCategory = new Map<string, number[]>();
      for (const slot of order) {
        const category = categories[slot];
        if (category === null || category === undefined) continue;
        let list = byCategory.get(category);
        if (!list) byCategory.set(category, (list = []));
        list.push(slot);
      }
      return new Map([...byCategory].map(([c, list]) => [c, Int32Array.from(list)]));
    };
    this.recentOrder = Int32Array.from(live).sort((a, b) => popularity[b]! - popularity[a]! || a - b);
    this.countOrder = Int32Array.from(live).sort((a, b) => itemEvents[b]! - itemEvents[a]! || a - b);
    this.recentByCategory = byCategoryOf(this.recentOrder);
    this.countByCategory = byCategoryOf(this.countOrder);
    this.built = [...generation];
    this.categoriesChanged = false;
  }
}
