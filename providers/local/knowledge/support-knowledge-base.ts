// A knowledge base made from the support data set, for `npm run eval`: one entry per intent, its question the most
// typical training utterance of that intent, its answer our reply template. Held-out utterances are the queries.
import type { LabelledUtterance } from '../datasets.js';
import { INTENT_ANSWERS } from '../reply-templates.js';
import { terms, type IndexedEntry } from './bm25-index.js';

/** The utterance whose words are the most common within its intent (shortest on ties). */
function typical(utterances: string[]): string {
  const documentFrequency = new Map<string, number>();
  const termSets = utterances.map((u) => new Set(terms(u, 'en')));
  for (const set of termSets) for (const t of set) documentFrequency.set(t, (documentFrequency.get(t) ?? 0) + 1);
  let best = utterances[0]!;
  let bestScore = -1;
  termSets.forEach((set, i) => {
    if (set.size === 0) return;
    const score = [...set].reduce((sum, t) => sum + documentFrequency.get(t)!, 0) / set.size;
    if (score > bestScore || (score === bestScore && utterances[i]!.length < best.length)) {
      best = utterances[i]!;
      bestScore = score;
    }
  });
  return best;
}

export function supportKnowledgeBase(train: readonly LabelledUtterance[]): IndexedEntry[] {
  const byIntent = new Map<string, string[]>();
  for (const r of train) {
    if (!byIntent.has(r.intent)) byIntent.set(r.intent, []);
    byIntent.get(r.intent)!.push(r.utterance);
  }
  return [...byIntent].map(([intent, utterances]) => ({
    id: intent,
    question: typical(utterances),
    answer: INTENT_ANSWERS[intent]?.en ?? '',
    tags: intent.split('_'),
    language: 'en',
  }));
}
