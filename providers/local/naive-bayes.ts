export interface Scored {
  label: string;
  probability: number;
}

export interface NaiveBayesOptions {
  /** Additive smoothing; small values trust rare but telling n-grams more. */
  alpha: number;
  /** Posteriors are tempered (log scores divided by this) because raw naive Bayes is wildly overconfident. */
  temperature: number;
}

/**
 * Naive Bayes over binary features (a feature counts once per document) with a uniform prior: the training sets
 * are imbalanced (36 "cancel order" against 913 "delete account" utterances) and the prior would drown rare intents.
 */
export class NaiveBayes {
  private readonly labelDocs = new Map<string, number>();
  private readonly labelTokens = new Map<string, number>();
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly vocabulary = new Set<string>();

  constructor(private readonly options: NaiveBayesOptions = { alpha: 0.1, temperature: 4 }) {}

  add(featureList: readonly string[], label: string): void {
    featureList = [...new Set(featureList)];
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
    const { alpha, temperature } = this.options;
    const unique = [...new Set(featureList)].filter((f) => this.vocabulary.has(f)); // unseen everywhere: no evidence
    const logScores: [string, number][] = [];
    for (const label of this.labelDocs.keys()) {
      const perLabel = this.counts.get(label)!;
      const denom = Math.log((this.labelTokens.get(label) ?? 0) + alpha * (this.vocabulary.size + 1));
      let s = 0;
      for (const f of unique) s += Math.log((perLabel.get(f) ?? 0) + alpha) - denom;
      logScores.push([label, s / temperature]);
    }
    const max = Math.max(...logScores.map(([, s]) => s));
    const exp = logScores.map(([label, s]) => [label, Math.exp(s - max)] as const);
    const total = exp.reduce((acc, [, e]) => acc + e, 0);
    return exp.map(([label, e]) => ({ label, probability: e / total })).sort((a, b) => b.probability - a.probability);
  }
}
