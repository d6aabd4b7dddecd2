import { parentPort, workerData } from 'node:worker_threads';
import { SoftmaxModel } from '../../providers/local/softmax-model.js';
import { features } from '../../providers/local/text.js';

export interface TrainerInput {
  examples: { text: string; label: string }[];
}

/** The model for a set of examples: naive Bayes, which is sensible from a handful of examples per label up. */
export function fitTaxonomy(examples: TrainerInput['examples']) {
  return SoftmaxModel.naiveBayes(examples.map((e) => ({ features: features(e.text), label: e.label }))).toFlat();
}

// Run as a worker thread (train-in-thread.ts): one training, its serialised model back, then the thread ends.
if (parentPort && workerData && (workerData as { taxonomyTrainer?: true }).taxonomyTrainer) {
  const model = fitTaxonomy((workerData as TrainerInput).examples);
  parentPort.postMessage(model, [model.weights.buffer as ArrayBuffer, model.bias.buffer as ArrayBuffer]);
}
