/** mulberry32: a small seeded generator, so training, splits and evaluation repeat exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** A stratified split: `share` of every label's examples held out, the same ones for the same seed. */
export function stratifiedSplit<T>(items: readonly T[], labelOf: (item: T) => string, share: number, seed: number): { train: T[]; heldOut: T[] } {
  const byLabel = new Map<string, T[]>();
  for (const item of items) {
    const label = labelOf(item);
    const group = byLabel.get(label);
    if (group) group.push(item);
    else byLabel.set(label, [item]);
  }
  const random = seededRandom(seed);
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const group = shuffleInPlace([...byLabel.get(label)!], random);
    const cut = Math.round(group.length * share);
    heldOut.push(...group.slice(0, cut));
    train.push(...group.slice(cut));
  }
  return { train, heldOut };
}
