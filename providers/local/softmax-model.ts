import { seededRandom, shuffleInPlace } from './seeded-random.js';
import { round4 } from './round.js';

export interface Example {
  features: readonly string[];
  label: string;
}

export interface Ranked {
  label: string;
  probability: number;
}

export interface TrainOptions {
  epochs: number;
  /** Adagrad step size. */
  learningRate: number;
  /** L2 penalty applied to the weights an example touches (the lazy, sparse form). */
  l2: number;
  /** Features seen in fewer training examples are dropped: they only memorise. */
  minCount: number;
  seed: number;
  /**
   * Weigh each label's examples so every label counts the same in total. Without it the bias learns the class sizes,
   * and "cancel my order" (36 examples) loses to "cancel my account" (913).
   */
  balanced: boolean;
  /**
   * Labels whose gradient is smaller than this are left alone for the example. With hundreds of labels most are all
   * but impossible for any one example, and skipping them makes training nearly linear in the labels that matter.
   */
  minGradient: number;
}

/** The serialised model: what `npm run train` writes and the gateway loads. */
export interface SoftmaxModelData {
  labels: string[];
  bias: number[];
  /** Feature → one weight per label (rounded; near-zero rows pruned). */
  weights: Record<string, number[]>;
}

/** A model as one buffer of weights, row by row in `features` order. */
export interface FlatModel {
  labels: string[];
  bias: Float64Array;
  features: string[];
  weights: Float64Array;
}

const DEFAULTS: TrainOptions = { epochs: 6, learningRate: 0.3, l2: 1e-5, minCount: 2, seed: 42, balanced: false, minGradient: 0 };
const PRUNE_BELOW = 1e-3;

/**
 * Multinomial logistic regression over sparse binary features, trained with Adagrad. Its probabilities are calibrated
 * enough to report as confidences (unlike naive Bayes), it trains in seconds in plain JS, and predicting is one hash
 * lookup per feature.
 */
export class SoftmaxModel {
  private constructor(
    readonly labels: readonly string[],
    private readonly bias: Float64Array,
    private readonly weights: Map<string, Float64Array>,
  ) {}

  static train(examples: readonly Example[], options: Partial<TrainOptions> = {}): SoftmaxModel {
    const o = { ...DEFAULTS, ...options };
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const k = labels.length;
    const perLabel = new Map<string, number>();
    for (const e of examples) perLabel.set(e.label, (perLabel.get(e.label) ?? 0) + 1);
    const exampleWeight = new Map(labels.map((l) => [l, o.balanced ? examples.length / (k * perLabel.get(l)!) : 1]));
    const counts = new Map<string, number>();
    for (const e of examples) for (const f of new Set(e.features)) counts.set(f, (counts.get(f) ?? 0) + 1);
    const weights = new Map<string, Float64Array>();
    const history = new Map<string, Float64Array>();
    for (const [f, n] of counts) {
      if (n < o.minCount) continue;
      weights.set(f, new Float64Array(k));
      history.set(f, new Float64Array(k).fill(1e-8));
    }
    const bias = new Float64Array(k);
    const biasHistory = new Float64Array(k).fill(1e-8);
    const model = new SoftmaxModel(labels, bias, weights);
    const order = examples.map((_, i) => i);
    const random = seededRandom(o.seed);
    const probabilities = new Float64Array(k);
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      shuffleInPlace(order, random);
      for (const i of order) {
        const example = examples[i]!;
        const active = [...new Set(example.features)].filter((f) => weights.has(f));
        model.scores(active, probabilities);
        const target = labelIndex.get(example.label)!;
        const weight = exampleWeight.get(example.label)!;
        for (let c = 0; c < k; c++) {
          const gradient = weight * (probabilities[c]! - (c === target ? 1 : 0));
          if (Math.abs(gradient) < o.minGradient) continue;
          biasHistory[c]! += gradient * gradient;
          bias[c]! -= (o.learningRate * gradient) / Math.sqrt(biasHistory[c]!);
          for (const f of active) {
            const w = weights.get(f)!;
            const h = history.get(f)!;
            const g = gradient + o.l2 * w[c]!;
            h[c]! += g * g;
            w[c]! -= (o.learningRate * g) / Math.sqrt(h[c]!);
          }
        }
      }
    }
    return model;
  }

  /**
   * Naive Bayes over binary features with a uniform prior, which is a linear model too: each feature adds
   * (log P(f | label)) / temperature to each label's score. It generalises from few examples better than the regression
   * (tenant taxonomies start with a handful), trains in one pass, and the temperature tempers its overconfidence.
   */
  static naiveBayes(examples: readonly Example[], options: { alpha?: number; temperature?: number; minCount?: number } = {}): SoftmaxModel {
    const { alpha = 0.1, temperature = 2, minCount = 1 } = options;
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const k = labels.length;
    const counts = new Map<string, Float64Array>();
    const seen = new Map<string, number>();
    for (const e of examples) {
      for (const f of new Set(e.features)) {
        let row = counts.get(f);
        if (!row) counts.set(f, (row = new Float64Array(k)));
        row[labelIndex.get(e.label)!]! += 1;
        seen.set(f, (seen.get(f) ?? 0) + 1);
      }
    }
    for (const [f, n] of seen) if (n < minCount) counts.delete(f);
    const featureTotals = new Float64Array(k);
    for (const row of counts.values()) for (let c = 0; c < k; c++) featureTotals[c]! += row[c]!;
    const denominators = [...featureTotals].map((total) => Math.log(total + alpha * (counts.size + 1)));
    const weights = new Map<string, Float64Array>();
    for (const [f, row] of counts) weights.set(f, row.map((n, c) => (Math.log(n + alpha) - denominators[c]!) / temperature));
    return new SoftmaxModel(labels, new Float64Array(k), weights);
  }

  /**
   * One model whose logits are the weighted sum of the given models' (same labels, in the same order): linear models
   * over the same features add up weight by weight, so a blend costs no more to query than either.
   */
  static blend(parts: readonly { model: SoftmaxModel; weight: number }[]): SoftmaxModel {
    const labels = parts[0]!.model.labels;
    for (const { model } of parts) if (model.labels.join('\n') !== labels.join('\n')) throw new Error('blended models must share their labels');
    const bias = new Float64Array(labels.length);
    const weights = new Map<string, Float64Array>();
    for (const { model, weight } of parts) {
      for (let c = 0; c < labels.length; c++) bias[c]! += weight * model.bias[c]!;
      for (const [f, w] of model.weights) {
        let row = weights.get(f);
        if (!row) weights.set(f, (row = new Float64Array(labels.length)));
        for (let c = 0; c < labels.length; c++) row[c]! += weight * w[c]!;
      }
    }
    return new SoftmaxModel(labels, bias, weights);
  }

  static fromJSON(data: SoftmaxModelData): SoftmaxModel {
    const weights = new Map(Object.entries(data.weights).map(([f, w]) => [f, Float64Array.from(w)]));
    return new SoftmaxModel(data.labels, Float64Array.from(data.bias), weights);
  }

  /** One flat weight buffer (transferable between threads without a copy) and the features in its row order. */
  toFlat(): FlatModel {
    const k = this.labels.length;
    const features = [...this.weights.keys()];
    const weights = new Float64Array(features.length * k);
    features.forEach((f, i) => weights.set(this.weights.get(f)!, i * k));
    return { labels: [...this.labels], bias: Float64Array.from(this.bias), features, weights };
  }

  /** Rows are views into the one buffer: linear in the number of features, not of weights. */
  static fromFlat(data: FlatModel): SoftmaxModel {
    const k = data.labels.length;
    const weights = new Map(data.features.map((f, i) => [f, data.weights.subarray(i * k, (i + 1) * k)]));
    return new SoftmaxModel(data.labels, data.bias, weights);
  }

  toJSON(): SoftmaxModelData {
    const weights: Record<string, number[]> = {};
    for (const [f, w] of this.weights) if (w.some((x) => Math.abs(x) >= PRUNE_BELOW)) weights[f] = [...w].map(round4);
    return { labels: [...this.labels], bias: [...this.bias].map(round4), weights };
  }

  /** Weights held (features × labels): what the model costs in memory, 8 bytes each. */
  get parameterCount(): number {
    return this.weights.size * this.labels.length;
  }

  /** Whether the model learned anything about this feature. */
  knows(feature: string): boolean {
    return this.weights.has(feature);
  }

  /**
   * What the features alone add to each label's score, without the intercept (the evidence in the text), and how many
   * of them the model knows.
   */
  evidence(features: readonly string[]): { sums: Float64Array; known: number } {
    const sums = new Float64Array(this.labels.length);
    let known = 0;
    for (const f of new Set(features)) {
      const w = this.weights.get(f);
      if (!w) continue;
      known++;
      for (let c = 0; c < sums.length; c++) sums[c]! += w[c]!;
    }
    return { sums, known };
  }

  /** Raw per-label scores (logits) plus softmax probabilities (of the logits times `scale`) into `out`. */
  scores(features: readonly string[], out: Float64Array = new Float64Array(this.labels.length), scale = 1): Float64Array {
    const k = this.labels.length;
    const logits = new Float64Array(this.bias);
    // A feature counts once, as in training: repeating a word does not make a text more of anything.
    for (const f of new Set(features)) {
      const w = this.weights.get(f);
      if (w) for (let c = 0; c < k; c++) logits[c]! += w[c]!;
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[c]!);
    let total = 0;
    for (let c = 0; c < k; c++) total += out[c] = Math.exp((logits[c]! - max) * scale);
    for (let c = 0; c < k; c++) out[c]! /= total;
    return logits;
  }

  /** Labels by probability; `scale` below 1 softens them (evidence that counts the same words twice, say). */
  predict(features: readonly string[], scale = 1): Ranked[] {
    const probabilities = new Float64Array(this.labels.length);
    this.scores(features, probabilities, scale);
    return this.labels.map((label, c) => ({ label, probability: probabilities[c]! })).sort((a, b) => b.probability - a.probability);
  }
}
