import { parentPort, workerData } from 'node:worker_threads';
import { SoftmaxModel } from '../../providers/local/softmax-model.js';
import { wordAndCharFeatures } from '../../providers/local/text.js';

export interface TrainerInput {
  examples: { text: string; label: string }[];
}

/**
 * Naive Bayes log-likelihoods are divided by this: with character 4-grams every word adds several correlated features,
 * and 7 gave the lowest calibration error on a validation share of Banking77's train split (ECE 0.084 at 2, 0.014).
 */
export const TAXONOMY_TEMPERATURE = 7;

/**
 * The served model adds the logits of a class-balanced regression to naive Bayes's, weighed so: on an inner
 * validation share of Banking77's train part, naive Bayes alone 87.2 %, the regression alone 86.5 %, regression + 2 ×
 * naive Bayes 89.6 % (+ 1 ×: 89.0 %, + 3 ×: 89.1 %); the sum scaled by 0.25, its lowest log-loss (ECE 0.029).
 */
const BLEND = { regression: 0.25, naiveBayes: 0.5 } as const;

/**
 * The regression skips labels whose gradient is below this for an example: 8 001 examples × 200 labels train in
 * a few seconds instead of 44, for 0.3 points (89.6 → 89.3 % on the same validation share).
 */
const MIN_GRADIENT = 1e-5;

/**
 * The model for a set of examples: naive Bayes, sensible from a handful of examples per label up, plus a regression
 * that learns which features matter once there are more. Both are linear, so the blend is one model.
 */
export function fitTaxonomy(examples: TrainerInput['examples']) {
  const featured = examples.map((e) => ({ features: wordAndCharFeatures(e.text), label: e.label }));
  const naiveBayes = SoftmaxModel.naiveBayes(featured, { temperature: TAXONOMY_TEMPERATURE });
  const regression = SoftmaxModel.train(featured, { epochs: 4, balanced: true, minGradient: MIN_GRADIENT });
  return SoftmaxModel.blend([
    { model: regression, weight: BLEND.regression },
    { model: naiveBayes, weight: BLEND.naiveBayes },
  ]).toFlat();
}

// Run as a worker thread (train-in-thread.ts): one training, its serialised model back, then the thread ends.
if (parentPort && workerData && (workerData as { taxonomyTrainer?: true }).taxonomyTrainer) {
  const model = fitTaxonomy((workerData as TrainerInput).examples);
  parentPort.postMessage(model, [model.weights.buffer as ArrayBuffer, model.bias.buffer as ArrayBuffer]);
}
