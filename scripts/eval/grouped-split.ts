import { seededRandom, shuffleInPlace } from '../../providers/local/seeded-random.js';

const wordSet = (text: string) => new Set(text.toLowerCase().replace(/[^\p{L}\p{N}' ]+/gu, ' ').split(/\s+/).filter((w) => w.length > 2));

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared || 1);
}

/**
 * Near-duplicate clusters within each label: an example joins the first cluster whose leader shares at least
 * `threshold` of their words (Jaccard), else leads a new one. Leaders, not chains: a union of every similar pair
 * makes one cluster per label out of template-generated data.
 */
export function nearDuplicateClusters<T>(items: readonly T[], textOf: (t: T) => string, labelOf: (t: T) => string, threshold = 0.4): number[] {
  const leaders = new Map<string, { words: Set<string>; cluster: number }[]>();
  let next = 0;
  return items.map((item) => {
    const words = wordSet(textOf(item));
    const label = labelOf(item);
    let list = leaders.get(label);
    if (!list) leaders.set(label, (list = []));
    const found = list.find((l) => jaccard(words, l.words) >= threshold);
    if (found) return found.cluster;
    list.push({ words, cluster: next });
    return next++;
  });
}

/**
 * Holds out whole clusters, about `share` of each label's examples, with a fixed seed: no phrasing family is on both
 * sides, so the held-out figure measures new phrasings, not memory.
 */
export function groupedSplit<T>(items: readonly T[], textOf: (t: T) => string, labelOf: (t: T) => string, share: number, seed: number): { train: T[]; heldOut: T[]; clusters: number } {
  const cluster = nearDuplicateClusters(items, textOf, labelOf);
  const byLabel = new Map<string, Map<number, T[]>>();
  items.forEach((item, i) => {
    const label = labelOf(item);
    let clusters = byLabel.get(label);
    if (!clusters) byLabel.set(label, (clusters = new Map()));
    const members = clusters.get(cluster[i]!);
    if (members) members.push(item);
    else clusters.set(cluster[i]!, [item]);
  });
  const random = seededRandom(seed);
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const groups = shuffleInPlace([...byLabel.get(label)!.values()], random);
    const total = groups.reduce((n, g) => n + g.length, 0);
    let held = 0;
    for (const g of groups) {
      if (held < total * share) {
        heldOut.push(...g);
        held += g.length;
      } else train.push(...g);
    }
  }
  return { train, heldOut, clusters: new Set(cluster).size };
}
