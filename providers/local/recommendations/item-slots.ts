/**
 * A model's items as dense slots, so per-item state lives in arrays. A slot is reused once its item has no event left
 * in the window; its generation then grows, which tells lists built before the reuse (neighbours, popularity orders)
 * to skip it.
 */
export class ItemSlots {
  private readonly index = new Map<string, number>();
  readonly ids: (string | undefined)[] = [];
  readonly categories: (string | null)[] = [];
  /** Events per slot in the window: 0 means the slot is free. */
  readonly itemEvents: number[] = [];
  readonly generation: number[] = [];
  /** Popularity in growth form (weight × 2^(t − origin) / half-life): ranks the same as decayed weight at any "now". */
  readonly popularity: number[] = [];
  private readonly free: number[] = [];
  /** Items that appeared since `takeNew()` (their catalogue categories are still to be read). */
  private fresh: string[] = [];
  /** Slots holding an item. */
  live = 0;

  constructor(private readonly maxItems: number) {}

  slotOf(itemId: string): number | undefined {
    return this.index.get(itemId);
  }

  /** The item's slot, taking a free one (or a new one) for an item not held yet. */
  acquire(itemId: string): number {
    let slot = this.index.get(itemId);
    if (slot !== undefined) return slot;
    slot = this.free.pop();
    if (slot === undefined) {
      slot = this.ids.length;
      this.ids.push(itemId);
      this.categories.push(null);
      this.itemEvents.push(0);
      this.popularity.push(0);
      this.generation.push(0);
    } else {
      this.ids[slot] = itemId;
      this.generation[slot]!++;
    }
    this.index.set(itemId, slot);
    this.live++;
    this.fresh.push(itemId);
    if (this.fresh.length >= 2 * this.maxItems) this.fresh = this.fresh.slice(-this.maxItems);
    return slot;
  }

  release(slot: number): void {
    this.index.delete(this.ids[slot]!);
    this.ids[slot] = undefined;
    this.categories[slot] = null;
    this.popularity[slot] = 0;
    this.free.push(slot);
    this.live--;
  }

  /** Whether the item's category changed (items not held are ignored). */
  setCategory(itemId: string, category: string | null): boolean {
    const slot = this.index.get(itemId);
    if (slot === undefined || this.categories[slot] === category) return false;
    this.categories[slot] = category;
    return true;
  }

  /** Items that appeared since the last call (at most the item bound) and are still held. */
  takeNew(): string[] {
    const out = this.fresh.filter((id) => this.index.has(id));
    this.fresh = [];
    return [...new Set(out)];
  }

  /** Whether a slot still holds the item it held when `built` (a copy of `generation`) was taken. */
  current(slot: number, built: readonly number[]): boolean {
    return this.itemEvents[slot]! > 0 && built[slot] === this.generation[slot];
  }
}
