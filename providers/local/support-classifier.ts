import { SUPPORT_INTENT_CATEGORY } from '../support-taxonomy.js';
import { CONFIDENT_THRESHOLD } from '../../src/tasks/index.js';
import { glossFrench } from './french-glossary.js';
import { detectLanguage } from './language.js';
import { readModel } from './model-files.js';
import { SoftmaxModel, type SoftmaxModelData } from './softmax-model.js';
import { features, wordAndCharFeatures } from './text.js';
import { round4 } from './round.js';

export interface SupportPrediction {
  intent: string;
  category: string;
  confidence: number;
  /** The confidence reaches CONFIDENT_THRESHOLD: below it, the category is a guess. */
  confident: boolean;
  /** The top intent is likely enough to act on (answer with its template, or from a knowledge-base entry about it). */
  sure: boolean;
  /** The five likeliest intents with their probabilities (the top one's own; the category's sums its intents'). */
  intents: { intent: string; probability: number }[];
  /** Other categories, most likely first (probabilities summed over their intents). */
  alternatives: { category: string; confidence: number }[];
}

export const SUPPORT_ARTEFACT = 'support.json';

/** The built-in `support` taxonomy: 27 intents in 11 categories, a softmax model trained on the Bitext data set. */
export class SupportClassifier {
  private readonly categoryOf = SUPPORT_INTENT_CATEGORY;

  /** `scale`: the logit scale per language (the built-in model's own unless given: a baseline's are 1). */
  constructor(
    readonly model: SoftmaxModel,
    private readonly scale: Readonly<Record<string, number>> = LOGIT_SCALE,
  ) {}

  get intents(): string[] {
    return [...this.model.labels];
  }

  get categories(): string[] {
    return [...new Set(this.intents.map((i) => this.categoryOf.get(i)!))];
  }

  /** `language` when the caller already knows it; detected otherwise. */
  classify(text: string, language: string = detectLanguage(text)): SupportPrediction {
    const ranked = this.model.predict(supportFeatures(text, language), this.scale[language] ?? this.scale.en ?? 1);
    const byCategory = new Map<string, number>();
    for (const { label, probability } of ranked) {
      const category = this.categoryOf.get(label)!;
      byCategory.set(category, (byCategory.get(category) ?? 0) + probability);
    }
    const top = ranked[0]!;
    const category = this.categoryOf.get(top.label)!;
    const alternatives = [...byCategory]
      .filter(([c]) => c !== category)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([c, p]) => ({ category: c, confidence: round4(p) }));
    const confidence = round4(byCategory.get(category)!);
    const intents = ranked.slice(0, 5).map((r) => ({ intent: r.label, probability: round4(r.probability) }));
    const sure = top.probability >= (SURE_INTENT[language] ?? SURE_INTENT.en!);
    return { intent: top.label, category, confidence, confident: confidence >= CONFIDENT_THRESHOLD, sure, intents, alternatives };
  }
}

/**
 * What the model reads: word uni/bigrams and character 4-grams (typos, inflections); French text both as written (the
 * model has seen French) and glossed word by word into English (so the English data's evidence counts too).
 */
export function supportFeatures(text: string, language: string): string[] {
  return language === 'fr' ? [...wordAndCharFeatures(text), ...features(glossFrench(text))] : wordAndCharFeatures(text);
}

/**
 * Logit scale per language (temperature scaling): the blend adds two models' evidence and its paraphrases weigh 16
 * times, and French is read twice (as written and glossed). Each is the lowest log-loss on the paraphrases' 5-fold
 * cross-validation (English 0.2: log-loss 2.19 → 0.75, ECE 0.167 → 0.04; French 0.15: 3.86 → 0.96, 0.234 → 0.061).
 */
const LOGIT_SCALE: Readonly<Record<string, number>> = { en: 0.2, fr: 0.15 };

/**
 * The top intent's probability from which a reply acts on it: the lowest at which, on the paraphrases' 5-fold
 * cross-validation, at most 4 % of all messages would get another intent's answer (English 0.8: 60 % of messages
 * reach it, 93.4 % of those right; French 0.85: 45 %, 92.1 %; French at 0.8 would answer 5.2 % wrongly).
 */
const SURE_INTENT: Readonly<Record<string, number>> = { en: 0.8, fr: 0.85 };

/**
 * Our own paraphrases weigh this many times: ~18 per intent and language against ~800 Bitext utterances per intent.
 * Chosen on the paraphrases' 5-fold cross-validation (mean of English and French intent accuracy: 2 → 68.4 %,
 * 5 → 68.0 %, 8 → 68.9 %, 16 → 70.6 %, 24 → 70.9 %; with character 4-grams 16 → 72.6 %, 24 → 72.0 %).
 */
export const PARAPHRASE_WEIGHT = 16;

/**
 * How the built-in model is fitted (`npm run train`, and `npm run eval` on its own splits): Bitext's English
 * utterances plus the project's English and French paraphrases; a class-balanced softmax regression plus 2 × naive
 * Bayes (tempered by 7), their logits added into one linear model. On the paraphrases' 5-fold cross-validation
 * (mean of English and French intent accuracy): regression alone 72.6 %, + 1 × naive Bayes 75.6 %, + 2 × 76.4 %,
 * + 3 × 76.4 %, + 6 × 74.9 %. The regression was chosen over naive Bayes alone on Bitext's held-out phrasing families
 * (S 92.8 % / 79.5 %, D 96.3 % / 88.3 %, L 91.6 % / 91.7 %, M 90.8 % / 94.8 %).
 */
export function fitSupportModel(
  bitext: readonly { utterance: string; intent: string }[],
  paraphrases: readonly { text: string; intent: string; language: string }[] = [],
): SoftmaxModel {
  const examples = [
    ...bitext.map((r) => ({ features: supportFeatures(r.utterance, 'en'), label: r.intent })),
    ...Array.from({ length: PARAPHRASE_WEIGHT }, () => paraphrases.map((p) => ({ features: supportFeatures(p.text, p.language), label: p.intent }))).flat(),
  ];
  return SoftmaxModel.blend([
    { model: SoftmaxModel.train(examples, { epochs: 4, balanced: true }), weight: 1 },
    { model: SoftmaxModel.naiveBayes(examples, { temperature: 7, minCount: 2 }), weight: NAIVE_BAYES_WEIGHT },
  ]);
}

const NAIVE_BAYES_WEIGHT = 2;

let shared: SupportClassifier | undefined;

/** Loaded once per process from the committed artefact and shared by every local provider instance. */
export function supportClassifier(): SupportClassifier {
  shared ??= new SupportClassifier(SoftmaxModel.fromJSON(readModel<SoftmaxModelData>(SUPPORT_ARTEFACT)));
  return shared;
}
