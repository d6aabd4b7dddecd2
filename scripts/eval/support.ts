import { SPLIT_SEED, supportIntents, supportMessages, supportParaphrases, type LabelledUtterance, type WrittenMessage } from '../../providers/local/datasets.js';
import { glossFrench } from '../../providers/local/french-glossary.js';
import { KnowledgeIndex } from '../../providers/local/knowledge/knowledge-index.js';
import { supportKnowledgeBase } from '../../providers/local/knowledge/support-knowledge-base.js';
import { ESCALATION_THRESHOLD, answersFrom, escalationScore, smartReply } from '../../providers/local/smart-reply-model.js';
import { scoreSentiment } from '../../providers/local/sentiment/sentiment-model.js';
import { SoftmaxModel } from '../../providers/local/softmax-model.js';
import { PARAPHRASE_WEIGHT, SupportClassifier, fitSupportModel, supportClassifier } from '../../providers/local/support-classifier.js';
import { words } from '../../providers/local/text.js';
import { SUPPORT_INTENT_CATEGORY } from '../../providers/support-taxonomy.js';
import { groupedSplit } from './grouped-split.js';
import { calibration, pct, type Row } from './report.js';

const INTENT_TARGET = '≥ 85 %';
const CATEGORY_TARGET = '≥ 92 %';

/** The baseline: naive Bayes over single words of the same data (French glossed into English), nothing else. */
function fitBaseline(rows: readonly LabelledUtterance[], paraphrases: readonly WrittenMessage[]): SupportClassifier {
  const glossed = paraphrases.map((p) => ({ text: p.language === 'fr' ? glossFrench(p.text) : p.text, intent: p.intent }));
  const examples = [...rows.map((r) => ({ text: r.utterance, intent: r.intent })), ...Array.from({ length: PARAPHRASE_WEIGHT }, () => glossed).flat()];
  return new SupportClassifier(SoftmaxModel.naiveBayes(examples.map((e) => ({ features: words(e.text), label: e.intent }))), { en: 1, fr: 1 });
}

interface Scored {
  intent: number;
  category: number;
  /** Share of answers marked confident, and the category accuracy among them. */
  confidentShare: number;
  confidentAccuracy: number;
  calibration: ReturnType<typeof calibration>;
  n: number;
}

function score(classifier: SupportClassifier, examples: readonly { text: string; intent: string; language: 'en' | 'fr' }[]): Scored {
  let intent = 0;
  let category = 0;
  let confident = 0;
  let confidentRight = 0;
  const predictions = examples.map((e) => {
    const p = classifier.classify(e.text, e.language);
    if (p.intent === e.intent) intent++;
    const right = p.category === SUPPORT_INTENT_CATEGORY.get(e.intent);
    if (right) category++;
    if (p.confident) {
      confident++;
      if (right) confidentRight++;
    }
    return { confidence: p.confidence, correct: right };
  });
  const n = examples.length;
  return { intent: intent / n, category: category / n, confidentShare: confident / n, confidentAccuracy: confidentRight / confident, calibration: calibration(predictions), n };
}

const FAR_JACCARD = 0.3;

/** The largest word-set Jaccard similarity between a text and any paraphrase (their word sets made once). */
function nearestParaphrase(text: string, paraphraseWords: readonly Set<string>[]): number {
  const mine = new Set(words(text));
  let best = 0;
  for (const theirs of paraphraseWords) {
    let shared = 0;
    for (const w of mine) if (theirs.has(w)) shared++;
    best = Math.max(best, shared / (mine.size + theirs.size - shared || 1));
  }
  return best;
}

const asExamples = (rows: readonly LabelledUtterance[]) => rows.map((r) => ({ text: r.utterance, intent: r.intent, language: 'en' as const }));

/** Support intents: whole phrasing families held out of Bitext, and the project's own English and French messages. */
export function supportRows(): Row[] {
  const rows: Row[] = [];
  const bitext = supportIntents();
  const paraphrases = supportParaphrases();
  const all = [...bitext.train, ...bitext.heldOut];
  const grouped = groupedSplit(all, (r) => r.utterance, (r) => r.intent, 0.2, SPLIT_SEED);
  const groupedModel = score(new SupportClassifier(fitSupportModel(grouped.train, paraphrases)), asExamples(grouped.heldOut));
  const groupedBaseline = score(fitBaseline(grouped.train, paraphrases), asExamples(grouped.heldOut));
  // The old figure: a random row split, near-duplicates on both sides (the committed model, trained on its train part).
  const random = score(supportClassifier(), asExamples(bitext.heldOut));
  const model = 'support taxonomy';
  const groupedData = `Bitext, ${grouped.clusters} near-duplicate clusters, whole clusters held out`;
  rows.push({ model, data: groupedData, metric: 'intent accuracy', value: pct(groupedModel.intent), baseline: pct(groupedBaseline.intent), inDistribution: pct(random.intent), target: '', n: groupedModel.n });
  rows.push({ model, data: groupedData, metric: 'category accuracy', value: pct(groupedModel.category), baseline: pct(groupedBaseline.category), inDistribution: pct(random.category), target: '', n: groupedModel.n });

  // Phrasing families by Bitext's own flags: train without every utterance carrying one, test on those.
  const families = [...new Set(all.flatMap((r) => [...r.flags]))].filter((f) => f !== 'B').sort();
  const byFamily = families.map((flag) => {
    const test = asExamples(all.filter((r) => r.flags.includes(flag)));
    const train = all.filter((r) => !r.flags.includes(flag));
    return { flag, model: score(new SupportClassifier(fitSupportModel(train, paraphrases)), test).intent, baseline: score(fitBaseline(train, paraphrases), test).intent, n: test.length };
  });
  const worst = byFamily.reduce((a, b) => (b.model < a.model ? b : a));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  rows.push({
    model,
    data: `Bitext, one phrasing family (flag) held out at a time: worst (${worst.flag}) / mean of ${families.length}`,
    metric: 'intent accuracy',
    value: `${pct(worst.model)} / ${pct(mean(byFamily.map((f) => f.model)))}`,
    baseline: `${pct(worst.baseline)} / ${pct(mean(byFamily.map((f) => f.baseline)))}`,
    inDistribution: pct(random.intent),
    target: '',
    n: worst.n,
  });

  const written = supportMessages();
  const paraphraseWords = paraphrases.map((p) => new Set(words(p.text)));
  for (const language of ['en', 'fr'] as const) {
    const examples = written.filter((m) => m.language === language);
    const product = score(supportClassifier(), examples);
    const baseline = score(fitBaseline(bitext.train, paraphrases), language === 'fr' ? examples.map((e) => ({ ...e, text: glossFrench(e.text), language: 'en' as const })) : examples);
    const data = `the project's customer messages (${language})`;
    rows.push({ model, data, metric: 'intent accuracy', value: pct(product.intent), baseline: pct(baseline.intent), inDistribution: pct(random.intent), target: INTENT_TARGET, n: product.n });
    rows.push({ model, data, metric: 'category accuracy', value: pct(product.category), baseline: pct(baseline.category), inDistribution: pct(random.category), target: CATEGORY_TARGET, n: product.n });
    // The paraphrases and these messages share an author: the messages farthest from every paraphrase are a check.
    const far = examples.filter((e) => nearestParaphrase(e.text, paraphraseWords) < FAR_JACCARD);
    const farScore = score(supportClassifier(), far);
    rows.push({
      model,
      data: `${data}, only those sharing < ${FAR_JACCARD * 100} % of their words (Jaccard) with every training paraphrase`,
      metric: 'intent / category accuracy',
      value: `${pct(farScore.intent)} / ${pct(farScore.category)}`,
      baseline: '—',
      inDistribution: '—',
      target: '',
      n: farScore.n,
    });
    rows.push({
      model,
      data,
      metric: '`confident` answers: share / category accuracy among them',
      value: `${pct(product.confidentShare)} / ${pct(product.confidentAccuracy)}`,
      baseline: '—',
      inDistribution: `${pct(random.confidentShare)} / ${pct(random.confidentAccuracy)}`,
      target: 'right when confident',
      n: product.n,
    });
    rows.push({
      model,
      data,
      metric: 'calibration: mean confidence / ECE',
      value: `${pct(product.calibration.meanConfidence)} / ${product.calibration.ece.toFixed(3)}`,
      baseline: `${pct(baseline.calibration.meanConfidence)} / ${baseline.calibration.ece.toFixed(3)}`,
      inDistribution: `${pct(random.calibration.meanConfidence)} / ${random.calibration.ece.toFixed(3)}`,
      target: 'confidence ≈ accuracy, ECE ≤ 0.05',
      n: product.n,
    });
  }
  rows.push(...knowledgeRows(bitext.train, bitext.heldOut, paraphrases, written), ...replyRows(written), ...escalationRows(written));
  return rows;
}

/**
 * One knowledge-base entry per support intent, in each language as a tenant would write it (English questions from
 * Bitext's train part, French ones from the French paraphrases; our templates as answers); the questions asked are
 * the project's messages.
 */
function knowledgeRows(
  train: readonly LabelledUtterance[],
  heldOut: readonly LabelledUtterance[],
  paraphrases: readonly WrittenMessage[],
  written: readonly WrittenMessage[],
): Row[] {
  const french = paraphrases.filter((p) => p.language === 'fr').map((p) => ({ utterance: p.text, intent: p.intent }));
  const entries = [...supportKnowledgeBase(train, 'en'), ...supportKnowledgeBase(french, 'fr')];
  const index = new KnowledgeIndex(entries, supportClassifier());
  const retrieve = (text: string, language: 'en' | 'fr') => {
    const [hit] = index.search(text, language, 1);
    return hit ? { id: hit.entry.id, answers: answersFrom(hit) } : undefined;
  };
  // Baseline: the entry in the question's language sharing the most words with it.
  const entryWords = entries.map((e) => ({ id: e.id, language: e.language, words: new Set(words(`${e.question} ${e.answer}`)) }));
  const overlapBest = (text: string, language: 'en' | 'fr') => {
    const mine = new Set(words(text));
    let best: { id: string; shared: number } | undefined;
    for (const e of entryWords) {
      if (e.language !== language) continue;
      let shared = 0;
      for (const w of mine) if (e.words.has(w)) shared++;
      if (!best || shared > best.shared) best = { id: e.id, shared };
    }
    return best?.id;
  };
  const inDistribution = heldOut.filter((q) => retrieve(q.utterance, 'en')?.id === q.intent).length / heldOut.length;
  const rows: Row[] = [];
  for (const language of ['en', 'fr'] as const) {
    const questions = written.filter((m) => m.language === language);
    let top1 = 0;
    let wrongAnswers = 0;
    let baseline = 0;
    for (const q of questions) {
      const hit = retrieve(q.text, language);
      if (hit?.id === q.intent) top1++;
      else if (hit?.answers) wrongAnswers++;
      if (overlapBest(q.text, language) === q.intent) baseline++;
    }
    const model = 'knowledge base (one entry per support intent)';
    const data = `the project's customer messages (${language})`;
    rows.push({ model, data, metric: 'top-1 entry', value: pct(top1 / questions.length), baseline: pct(baseline / questions.length), inDistribution: pct(inDistribution), target: '≥ 80 %', n: questions.length });
    rows.push({ model, data, metric: 'answered from a wrong entry', value: pct(wrongAnswers / questions.length), baseline: '—', inDistribution: '—', target: '≤ 5 %', n: questions.length });
  }
  return rows;
}

/** Smart replies without a knowledge base: how often one answers another intent's template instead of asking. */
function replyRows(written: readonly WrittenMessage[]): Row[] {
  const classifier = supportClassifier();
  const rows: Row[] = [];
  for (const language of ['en', 'fr'] as const) {
    const messages = written.filter((m) => m.language === language);
    const kinds = new Map<string, number>();
    let wrongTemplate = 0;
    for (const m of messages) {
      const reply = smartReply({ message: m.text, language }, classifier);
      kinds.set(reply.reply_kind!, (kinds.get(reply.reply_kind!) ?? 0) + 1);
      if (reply.reply_kind === 'template' && reply.intent !== m.intent) wrongTemplate++;
    }
    const share = (k: string) => pct((kinds.get(k) ?? 0) / messages.length);
    const model = 'smart replies (no knowledge base)';
    const data = `the project's customer messages (${language})`;
    rows.push({ model, data, metric: "answered with another intent's template", value: pct(wrongTemplate / messages.length), baseline: '—', inDistribution: '—', target: '≤ 5 %', n: messages.length });
    rows.push({ model, data, metric: 'reply kinds: template / clarify / handover', value: `${share('template')} / ${share('clarify')} / ${share('handover')}`, baseline: '—', inDistribution: '—', target: '', n: messages.length });
  }
  return rows;
}

/** Escalation: complaints and requests for a person should escalate, nothing else. */
function escalationRows(written: readonly WrittenMessage[]): Row[] {
  const ESCALATING = new Set(['complaint', 'contact_human_agent']);
  const classifier = supportClassifier();
  const rows: Row[] = [];
  for (const language of ['en', 'fr'] as const) {
    const messages = written.filter((m) => m.language === language);
    const count = { tp: 0, fn: 0, tn: 0, fp: 0, baseTp: 0, baseTn: 0 };
    for (const m of messages) {
      const sentiment = scoreSentiment(m.text, language);
      const intents = classifier.classify(m.text, language).intents;
      const escalate = escalationScore({ message: m.text }, intents, sentiment.score) >= ESCALATION_THRESHOLD;
      const baseline = sentiment.label === 'negative';
      if (ESCALATING.has(m.intent)) {
        if (escalate) count.tp++;
        else count.fn++;
        if (baseline) count.baseTp++;
      } else {
        if (escalate) count.fp++;
        else count.tn++;
        if (!baseline) count.baseTn++;
      }
    }
    const positives = count.tp + count.fn;
    const negatives = count.tn + count.fp;
    const model = 'escalation (smart replies)';
    const data = `the project's customer messages (${language}); complaints and requests for a person escalate`;
    rows.push({ model, data, metric: 'recall', value: pct(count.tp / positives), baseline: pct(count.baseTp / positives), inDistribution: '—', target: '≥ 80 %', n: positives });
    rows.push({ model, data, metric: 'specificity', value: pct(count.tn / negatives), baseline: pct(count.baseTn / negatives), inDistribution: '—', target: '≥ 90 %', n: negatives });
  }
  return rows;
}
