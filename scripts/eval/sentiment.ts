import { frenchReviews, shopReviews, sst2, type LabelledText } from '../../providers/local/datasets.js';
import { scoreSentiment } from '../../providers/local/sentiment/sentiment-model.js';
import { SoftmaxModel } from '../../providers/local/softmax-model.js';
import { words } from '../../providers/local/text.js';
import { calibration, pct, type Row } from './report.js';

/** The baseline: naive Bayes over single words, trained on the same language's training data. */
function naiveBayes(train: readonly LabelledText[]) {
  const model = SoftmaxModel.naiveBayes(train.map((r) => ({ features: words(r.text), label: r.label })));
  return (text: string) => model.predict(words(text))[0]!.label;
}

function measure(examples: readonly LabelledText[], language: 'en' | 'fr', baseline: (text: string) => string) {
  let right = 0;
  let baseRight = 0;
  const predictions = examples.map((e) => {
    const s = scoreSentiment(e.text, language);
    // Neutral counts wrong: every example here takes a side.
    const correct = s.label === e.label;
    if (correct) right++;
    if (baseline(e.text) === e.label) baseRight++;
    return { confidence: s.confidence, correct };
  });
  return { accuracy: right / examples.length, baseline: baseRight / examples.length, calibration: calibration(predictions), n: examples.length };
}

export function sentimentRows(): Row[] {
  const english = sst2();
  const french = frenchReviews();
  const inDistribution = measure(english.heldOut, 'en', () => '');
  const englishBaseline = naiveBayes(english.train);
  const frenchBaseline = naiveBayes(french.train);
  const reviews = shopReviews();
  const rows: Row[] = [];
  const add = (data: string, language: 'en' | 'fr', examples: readonly LabelledText[], target: string) => {
    const m = measure(examples, language, language === 'fr' ? frenchBaseline : englishBaseline);
    rows.push({ model: `sentiment (${language})`, data, metric: 'accuracy (neutral counts wrong)', value: pct(m.accuracy), baseline: pct(m.baseline), inDistribution: language === 'en' ? pct(inDistribution.accuracy) : '—', target, n: m.n });
    rows.push({
      model: `sentiment (${language})`,
      data,
      metric: 'calibration: mean confidence / ECE',
      value: `${pct(m.calibration.meanConfidence)} / ${m.calibration.ece.toFixed(3)}`,
      baseline: '—',
      inDistribution: language === 'en' ? `${pct(inDistribution.calibration.meanConfidence)} / ${inDistribution.calibration.ece.toFixed(3)}` : '—',
      target: 'confidence ≈ accuracy',
      n: m.n,
    });
  };
  add('French TV-series reviews (Allociné dev split)', 'fr', french.dev, '≥ 85 %');
  add("the project's shop reviews (fr)", 'fr', reviews.filter((r) => r.language === 'fr'), '≥ 80 %');
  add("the project's shop reviews (en)", 'en', reviews.filter((r) => r.language === 'en'), '≥ 85 %');
  return rows;
}
