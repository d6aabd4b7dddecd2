/** One figure of `npm run eval`: the out-of-source value beside its baseline, the in-distribution one only as context. */
export interface Row {
  model: string;
  data: string;
  metric: string;
  value: string;
  baseline: string;
  inDistribution: string;
  target: string;
  n: number;
}

export const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '—');

export interface Calibration {
  accuracy: number;
  meanConfidence: number;
  /** Expected calibration error over 10 equal-width confidence bins. */
  ece: number;
}

/** How far confidence is from accuracy: overall and bin by bin (ECE). */
export function calibration(predictions: readonly { confidence: number; correct: boolean }[]): Calibration {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, confidence: 0, correct: 0 }));
  let confidence = 0;
  let correct = 0;
  for (const p of predictions) {
    const bin = bins[Math.min(9, Math.floor(p.confidence * 10))]!;
    bin.n++;
    bin.confidence += p.confidence;
    if (p.correct) bin.correct++;
    confidence += p.confidence;
    if (p.correct) correct++;
  }
  const n = predictions.length;
  const ece = bins.reduce((sum, b) => sum + (b.n === 0 ? 0 : (b.n / n) * Math.abs(b.correct / b.n - b.confidence / b.n)), 0);
  return { accuracy: correct / n, meanConfidence: confidence / n, ece };
}

export function markdown(rows: readonly Row[]): string {
  return [
    '| model | out-of-source data | metric | value | baseline | in-distribution (context only) | target | n |',
    '| --- | --- | --- | ---: | ---: | ---: | --- | ---: |',
    ...rows.map((r) => `| ${r.model} | ${r.data} | ${r.metric} | ${r.value} | ${r.baseline} | ${r.inDistribution} | ${r.target} | ${r.n} |`),
  ].join('\n');
}
