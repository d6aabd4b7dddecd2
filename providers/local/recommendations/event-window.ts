/**
 * The events a tenant model currently holds, oldest first, as a ring that grows by doubling up to `capacity`. Each
 * entry keeps what forgetting the event has to undo: the user-item pair it added weight to, the item, the weight and
 * its popularity contribution. Typed arrays and one object reference per event: ~30 bytes each.
 */
export class EventWindow<Pair> {
  private pairs: (Pair | undefined)[] = [];
  private items = new Int32Array(0);
  private weights = new Float64Array(0);
  private boosts = new Float64Array(0);
  private head = 0;
  length = 0;

  constructor(readonly capacity: number) {}

  get full(): boolean {
    return this.length >= this.capacity;
  }

  push(pair: Pair, item: number, weight: number, boost: number): void {
    if (this.length === this.items.length) this.grow();
    const slot = (this.head + this.length) % this.items.length;
    this.pairs[slot] = pair;
    this.items[slot] = item;
    this.weights[slot] = weight;
    this.boosts[slot] = boost;
    this.length++;
  }

  /** Removes and hands over the oldest event; undefined when empty. */
  shift(): { pair: Pair; item: number; weight: number; boost: number } | undefined {
    if (this.length === 0) return undefined;
    const slot = this.head;
    const out = { pair: this.pairs[slot]!, item: this.items[slot]!, weight: this.weights[slot]!, boost: this.boosts[slot]! };
    this.pairs[slot] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.length--;
    return out;
  }

  /** Bytes held, for the service's memory budget. */
  get bytes(): number {
    return this.items.length * (8 + 4 + 8 + 8);
  }

  private grow(): void {
    const size = Math.min(this.capacity, Math.max(1024, this.items.length * 2));
    if (size <= this.items.length) throw new Error('event window is full');
    const order = (k: number) => (this.head + k) % this.items.length;
    const pairs = new Array<Pair | undefined>(size);
    const items = new Int32Array(size);
    const weights = new Float64Array(size);
    const boosts = new Float64Array(size);
    for (let k = 0; k < this.length; k++) {
      const from = order(k);
      pairs[k] = this.pairs[from];
      items[k] = this.items[from]!;
      weights[k] = this.weights[from]!;
      boosts[k] = this.boosts[from]!;
    }
    this.pairs = pairs;
    this.items = items;
    this.weights = weights;
    this.boosts = boosts;
    this.head = 0;
  }
}
