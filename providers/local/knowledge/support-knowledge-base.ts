// A knowledge base made from the support data, for `npm run eval`: one entry per intent, its question the most typical
// training example of that intent, its answer our reply template. Messages the models never saw are the queries.
import type { LabelledUtterance } from '../datasets.js';
import { INTENT_ANSWERS } from '../reply-templates.js';
import { terms, type IndexedEntry } from './bm25-index.js';

/** The utterance whose words are the most common within its intent (shortest on ties). */
function typical(utterances: string[], language: 'en' | 'fr'): string {
  const documentFrequency = new Map<string, number>();
  const termSets = utterances.map((u) => new Set(terms(u, language)));
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

/**
 * One entry per intent in `language`, as a tenant would write it: the most typical question of the examples given
 * (Bitext's utterances, or the French paraphrases) and our reply template in that language.
 */
export function supportKnowledgeBase(examples: readonly Pick<LabelledUtterance, 'utterance' | 'intent'>[], language: 'en' | 'fr' = 'en'): IndexedEntry[] {
  const byIntent = new Map<string, string[]>();
  for (const r of examples) {
    if (!byIntent.has(r.intent)) byIntent.set(r.intent, []);
    byIntent.get(r.intent)!.push(r.utterance);
  }
  return [...byIntent].map(([intent, utterances]) => ({
    id: intent,
    question: typical(utterances, language),
    answer: INTENT_ANSWERS[intent]?.[language] ?? '',
    tags: intent.split('_'),
    language,
  }));
}
