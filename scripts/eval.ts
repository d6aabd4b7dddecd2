// `npm run eval`: quality of every local model on held-out data it was never trained on (fixed seeds).
import { movieLensRatings, sst2, supportIntents } from '../providers/local/datasets.js';
import { Bm25Index } from '../providers/local/knowledge/bm25-index.js';
import { supportKnowledgeBase } from '../providers/local/knowledge/support-knowledge-base.js';
import { evaluateModel, evaluatePopularity, leaveLastOut } from '../providers/local/recommendations/leave-last-out.js';
import { KNOWLEDGE_ANSWER_COVERAGE } from '../providers/local/smart-reply-model.js';
import { scoreSentiment } from '../providers/local/sentiment/sentiment-model.js';
import { supportClassifier } from '../providers/local/support-classifier.js';
import { SUPPORT_INTENT_CATEGORY } from '../providers/support-taxonomy.js';

const rows: { model: string; metric: string; value: string; target: string; n: number }[] = [];
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

function sentiment(): void {
  const { heldOut } = sst2();
  let correct = 0;
  let neutral = 0;
  let sentences = 0;
  let sentencesCorrect = 0;
  for (const r of heldOut) {
    const label = scoreSentiment(r.text, 'en').label;
    if (label === r.label) correct++;
    if (label === 'neutral') neutral++;
    // SST-2 mixes whole sentences with their phrases; sentences alone are the harder, more realistic half.
    if (r.text.split(' ').length >= 8) {
      sentences++;
      if (label === r.label) sentencesCorrect++;
    }
  }
  rows.push({ model: 'sentiment (en)', metric: 'accuracy, neutral counted wrong', value: pct(correct / heldOut.length), target: '≥ 85 %', n: heldOut.length });
  rows.push({ model: 'sentiment (en)', metric: 'accuracy on sentences of 8+ words', value: pct(sentencesCorrect / sentences), target: '≥ 85 %', n: sentences });
  rows.push({ model: 'sentiment (en)', metric: 'answered neutral', value: pct(neutral / heldOut.length), target: '', n: heldOut.length });
}

function support(): void {
  const { heldOut } = supportIntents();
  const classifier = supportClassifier();
  let intents = 0;
  let categories = 0;
  let confidence = 0;
  for (const r of heldOut) {
    const p = classifier.classify(r.utterance, 'en');
    if (p.intent === r.intent) intents++;
    if (p.category === SUPPORT_INTENT_CATEGORY.get(r.intent)) categories++;
    confidence += p.confidence;
  }
  rows.push({ model: 'support taxonomy', metric: 'category accuracy', value: pct(categories / heldOut.length), target: '≥ 95 %', n: heldOut.length });
  rows.push({ model: 'support taxonomy', metric: 'intent accuracy', value: pct(intents / heldOut.length), target: '≥ 90 %', n: heldOut.length });
  rows.push({ model: 'support taxonomy', metric: 'mean confidence (calibration check)', value: pct(confidence / heldOut.length), target: '≈ category accuracy', n: heldOut.length });
}

function knowledgeRetrieval(): void {
  const { train, heldOut } = supportIntents();
  const index = new Bm25Index(supportKnowledgeBase(train));
  let top1 = 0;
  let answered = 0;
  let answeredRight = 0;
  for (const q of heldOut) {
    const [hit] = index.search(q.utterance, 'en', 1);
    const right = hit?.entry.id === q.intent;
    if (right) top1++;
    if (hit && hit.coverage >= KNOWLEDGE_ANSWER_COVERAGE) {
      answered++;
      if (right) answeredRight++;
    }
  }
  const kb = 'knowledge base (one entry per support intent)';
  rows.push({ model: kb, metric: 'retrieval top-1 accuracy', value: pct(top1 / heldOut.length), target: '', n: heldOut.length });
  rows.push({ model: kb, metric: `replied from the knowledge base (coverage ≥ ${KNOWLEDGE_ANSWER_COVERAGE})`, value: pct(answered / heldOut.length), target: '', n: heldOut.length });
  rows.push({ model: kb, metric: 'right entry when replying from it', value: pct(answeredRight / answered), target: '', n: answered });
}

function recommendations(): void {
  const split = leaveLastOut(movieLensRatings());
  const model = evaluateModel(split);
  const popularity = evaluatePopularity(split);
  const rec = 'recommendations (ml-latest-small, leave-last-out)';
  rows.push({ model: rec, metric: 'HR@10, item-to-item + user history', value: pct(model.hitRate), target: `≥ 1.5 × popularity (${pct(1.5 * popularity.hitRate)})`, n: model.users });
  rows.push({ model: rec, metric: 'HR@10, popularity baseline', value: pct(popularity.hitRate), target: '', n: popularity.users });
  rows.push({ model: rec, metric: 'HR@10 ratio to popularity', value: `${(model.hitRate / popularity.hitRate).toFixed(2)} ×`, target: '≥ 1.5 ×', n: model.users });
  rows.push({ model: rec, metric: 'NDCG@10, item-to-item + user history', value: model.ndcg.toFixed(4), target: '', n: model.users });
  rows.push({ model: rec, metric: 'NDCG@10, popularity baseline', value: popularity.ndcg.toFixed(4), target: '', n: popularity.users });
}

const started = performance.now();
sentiment();
support();
knowledgeRetrieval();
recommendations();
process.stdout.write(
  [
    '| model | metric | value | target | held-out n |',
    '| --- | --- | ---: | --- | ---: |',
    ...rows.map((r) => `| ${r.model} | ${r.metric} | ${r.value} | ${r.target} | ${r.n} |`),
    '',
    `evaluated in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    '',
  ].join('\n'),
);
