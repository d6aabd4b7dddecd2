import { banking77 } from '../../providers/local/datasets.js';
import { SoftmaxModel } from '../../providers/local/softmax-model.js';
import { wordAndCharFeatures, words } from '../../providers/local/text.js';
import { fitTaxonomy } from '../../src/taxonomies/taxonomy-trainer.js';
import { calibration, pct, type Row } from './report.js';

/** A tenant taxonomy as the admin API trains it: Banking77's 77 intents, the project's own train / validation split. */
export function taxonomyRows(): Row[] {
  const { train, validation } = banking77();
  const model = SoftmaxModel.fromFlat(fitTaxonomy(train));
  const baseline = SoftmaxModel.naiveBayes(train.map((r) => ({ features: words(r.text), label: r.label })));
  let baseRight = 0;
  const predictions = validation.map((r) => {
    // As the local provider asks a tenant model: the same features it was trained on.
    const [top] = model.predict(wordAndCharFeatures(r.text));
    if (baseline.predict(words(r.text))[0]!.label === r.label) baseRight++;
    return { confidence: top!.probability, correct: top!.label === r.label };
  });
  const c = calibration(predictions);
  const data = 'Banking77 (77 intents, human-written), 20 % validation';
  return [
    { model: 'tenant taxonomy', data, metric: 'intent accuracy', value: pct(c.accuracy), baseline: pct(baseRight / validation.length), inDistribution: '—', target: '≥ 90 %', n: validation.length },
    { model: 'tenant taxonomy', data, metric: 'calibration: mean confidence / ECE', value: `${pct(c.meanConfidence)} / ${c.ece.toFixed(3)}`, baseline: '—', inDistribution: '—', target: 'confidence ≈ accuracy', n: validation.length },
  ];
}
