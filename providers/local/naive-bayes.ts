export interface Scored {
  label: string;
  probability: number;
}

/**
 * Multinomial naive Bayes with Laplace smoothing. Posteriors are tempered (divided by `temperature` in log space)
 * because raw naive Bayes posteriors are wildly overconfident on correlated n-gram features.
 */
export class NaiveBayes {
  private readonly labelDocs = new Map<string, number>();
  private readonly labelTokens = new Map<string, number>();
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly vocabulary = new Set<string>();
  private docs = 0;

  constructor(private readonly temperature = 4) {}

  add(featureList: readonly string[], label: string): void {
    this.docs++;
    this.labelDocs.set(label, (this.labelDocs.get(label) ?? 0) + 1);
    let perLabel = this.counts.get(label);
    if (!perLabel) this.counts.set(label, (perLabel = new Map()));
    for (const f of featureList) {
      perLabel.set(f, (perLabel.get(f) ?? 0) + 1);
      this.vocabulary.add(f);
    }
    this.labelTokens.set(label, (this.labelTokens.get(label) ?? 0) + featureList.length);
  }

  get labels(): string[] {
    return [...this.labelDocs.keys()];
  }

  /** Share of the features that the model has seen at all: a cheap "is this in-domain" signal. */
  coverage(featureList: readonly string[]): number {
    if (featureList.length === 0) return 0;
    return featureList.filter((f) => this.vocabulary.has(f)).length / featureList.length;
  }

  predict(featureList: readonly string[]): Scored[] {
    const v = this.vocabulary.size + 1;
    const logScores: [string, number][] = [];
    for (const [label, n] of this.labelDocs) {
      const perLabel = this.counts.get(label)!;
      const denom = Math.log((this.labelTokens.get(label) ?? 0) + v);
      let s = Math.log(n / this.docs);
      for (const f of featureList) {
        if (!this.vocabulary.has(f)) continue; // unseen everywhere: carries no evidence
        s += Math.log((perLabel.get(f) ?? 0) + 1) - denom;
      }
      logScores.push([label, s / this.temperature]);
    }
    const max = Math.max(...logScores.map(([, s]) => s));
    const exp = logScores.map(([label, s]) => [label, Math.exp(s - max)] as const);
    const total = exp.reduce((acc, [, e]) => acc + e, 0);
    return exp.map(([label, e]) => ({ label, probability: e / total })).sort((a, b) => b.probability - a.probability);
  }
}
