import type { TaskResult } from '../../src/tasks/index.js';
import type { SupportClassifier } from './support-classifier.js';
import { words } from './text.js';
import { round4 } from './round.js';

/** Crude stem: enough to match "refunds" with "refund" and "shipping" with "ship". */
function stem(w: string): string {
  return w.replace(/(ing|ed|es|s)$/u, '');
}

/**
 * Zero-shot labels without a language model: a label scores by how many of its words (stemmed) appear in the text
 * or in the support intent the text most resembles. With no overlap at all every label gets the same low confidence:
 * honest about knowing nothing rather than guessing.
 */
export function matchLabels(text: string, labels: readonly string[], classifier: SupportClassifier): TaskResult<'categorize'> {
  const prediction = classifier.classify(text);
  const evidence = new Set(
    [...words(text), ...prediction.intent.split('_'), ...prediction.category.split('_')].map(stem),
  );
  const raw = labels.map((label) => {
    const labelWords = words(label).map(stem);
    const hits = labelWords.filter((w) => evidence.has(w)).length;
    return labelWords.length === 0 ? 0 : hits / labelWords.length;
  });
  const weights = raw.map((r) => Math.exp(3 * r));
  const total = weights.reduce((a, b) => a + b, 0);
  const ranked = labels
    .map((label, i) => ({ category: label, confidence: round4(weights[i]! / total) }))
    .sort((a, b) => b.confidence - a.confidence);
  const [top, ...rest] = ranked;
  return { category: top!.category, confidence: top!.confidence, alternatives: rest.slice(0, 3) };
}
