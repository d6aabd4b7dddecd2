/**
 * Item-to-item cosine similarity over implicit feedback, computed item by item so a caller can spread the work over
 * several turns of the event loop. Input is the user × item matrix in compressed rows, both ways round.
 */
export interface InteractionMatrix {
  itemCount: number;
  /** Row pointers, indices and values of users' items (values already damped per user). */
  userPtr: Int32Array;
  userItems: Int32Array;
  userValues: Float32Array;
  /** The same matrix by item. */
  itemPtr: Int32Array;
  itemUsers: Int32Array;
  itemValues: Float32Array;
}

export interface Neighbours {
  items: Int32Array;
  scores: Float32Array;
}

const EMPTY: Neighbours = { items: new Int32Array(0), scores: new Float32Array(0) };

/** Builds the item-by-item view of a user-by-item matrix. */
export function transpose(itemCount: number, userPtr: Int32Array, userItems: Int32Array, userValues: Float32Array): InteractionMatrix {
  const itemPtr = new Int32Array(itemCount + 1);
  for (const item of userItems) itemPtr[item + 1]!++;
  for (let i = 0; i < itemCount; i++) itemPtr[i + 1]! += itemPtr[i]!;
  const next = itemPtr.slice(0, itemCount);
  const itemUsers = new Int32Array(userItems.length);
  const itemValues = new Float32Array(userItems.length);
  for (let u = 0; u + 1 < userPtr.length; u++) {
    for (let k = userPtr[u]!; k < userPtr[u + 1]!; k++) {
      const slot = next[userItems[k]!]!++;
      itemUsers[slot] = u;
      itemValues[slot] = userValues[k]!;
    }
  }
  return { itemCount, userPtr, userItems, userValues, itemPtr, itemUsers, itemValues };
}

/** Euclidean norm of each item's column: the cosine's denominators. */
export function itemNorms(m: InteractionMatrix): Float64Array {
  const norms = new Float64Array(m.itemCount);
  for (let i = 0; i < m.itemCount; i++) {
    let sum = 0;
    for (let k = m.itemPtr[i]!; k < m.itemPtr[i + 1]!; k++) sum += m.itemValues[k]! ** 2;
    norms[i] = Math.sqrt(sum);
  }
  return norms;
}

/** Keeps the k best (item, score) pairs seen, as a min-heap on score. */
class TopK {
  readonly items: Int32Array;
  readonly scores: Float64Array;
  size = 0;

  constructor(readonly k: number) {
    this.items = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  offer(item: number, score: number): void {
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.scores[parent]! <= score) break;
        this.items[i] = this.items[parent]!;
        this.scores[i] = this.scores[parent]!;
        i = parent;
      }
      this.items[i] = item;
      this.scores[i] = score;
      return;
    }
    if (score <= this.scores[0]!) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.scores[right]! < this.scores[left]! ? right : left;
      if (this.scores[child]! >= score) break;
      this.items[i] = this.items[child]!;
      this.scores[i] = this.scores[child]!;
      i = child;
    }
    this.items[i] = item;
    this.scores[i] = score;
  }

  /** Best first; ties broken by item index so the result is the same on every instance. */
  drain(): Neighbours {
    const order = Array.from({ length: this.size }, (_, i) => i).sort(
      (a, b) => this.scores[b]! - this.scores[a]! || this.items[a]! - this.items[b]!,
    );
    const out = { items: new Int32Array(this.size), scores: new Float32Array(this.size) };
    order.forEach((slot, rank) => {
      out.items[rank] = this.items[slot]!;
      out.scores[rank] = this.scores[slot]!;
    });
    this.size = 0;
    return out;
  }
}

/** Scratch space reused across items: dense accumulators plus the list of entries touched. */
export class SimilarityWorkspace {
  private readonly acc: Float64Array;
  private readonly touched: Int32Array;
  private readonly heap: TopK;

  constructor(
    private readonly m: InteractionMatrix,
    private readonly norms: Float64Array,
    k: number,
  ) {
    this.acc = new Float64Array(m.itemCount);
    this.touched = new Int32Array(m.itemCount);
    this.heap = new TopK(k);
  }

  /** The k items most similar to `item` by cosine over co-occurring users. */
  neighboursOf(item: number): Neighbours {
    const { m, acc, touched, norms } = this;
    if (norms[item] === 0) return EMPTY;
    let count = 0;
    for (let k = m.itemPtr[item]!; k < m.itemPtr[item + 1]!; k++) {
      const user = m.itemUsers[k]!;
      const weight = m.itemValues[k]!;
      for (let l = m.userPtr[user]!; l < m.userPtr[user + 1]!; l++) {
        const other = m.userItems[l]!;
        if (other === item) continue;
        if (acc[other] === 0) touched[count++] = other;
        acc[other]! += weight * m.userValues[l]!;
      }
    }
    const denominator = norms[item]!;
    for (let t = 0; t < count; t++) {
      const other = touched[t]!;
      this.heap.offer(other, acc[other]! / (denominator * norms[other]!));
      acc[other] = 0;
    }
    return this.heap.drain();
  }
}
