/**
 * The k first entries by `order` in one pass, without copying or sorting them all (linear for a small k); stable, like
 * a sort: of entries `order` calls equal, the earlier stays first.
 */
export function firstK<T>(entries: Iterable<T>, k: number, order: (a: T, b: T) => number): T[] {
  const best: T[] = [];
  if (k <= 0) return best;
  for (const a of entries) {
    if (best.length === k && order(a, best[k - 1]!) >= 0) continue;
    let i = Math.min(best.length, k - 1);
    best[i] = a;
    while (i > 0 && order(best[i]!, best[i - 1]!) < 0) {
      [best[i - 1], best[i]] = [best[i]!, best[i - 1]!];
      i--;
    }
  }
  return best;
}
