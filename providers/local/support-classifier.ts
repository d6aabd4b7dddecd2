import { SUPPORT_INTENT_CATEGORY } from '../support-taxonomy.js';
import { CONFIDENT_THRESHOLD } from '../task-schemas.js';
import { glossFrench } from './french-glossary.js';
import { detectLanguage } from './language.js';
import { readModel } from './model-files.js';
import { SoftmaxModel, type SoftmaxModelData } from './softmax-model.js';
import { features } from './text.js';
import { round4 } from './round.js';

export interface SupportPrediction {
  intent: string;
  category: string;
  confidence: number;
  /** The confidence reaches CONFIDENT_THRESHOLD: below it, the category is a guess. */
  confident: boolean;
  /** The top intent's own probability (the category's sums its intents'). */
  intentConfidence: number;
  /** The five likeliest intents with their probabilities. */
  intents: { intent: string; probability: number }[];
  /** Other categories, most likely first (probabilities summed over their intents). */
  alternatives: { category: string; confidence: number }[];
}

export const SUPPORT_ARTEFACT = 'support.json';

/** The built-in `support` taxonomy: 27 intents in 11 categories, a softmax model trained on the Bitext data set. */
export class SupportClassifier {
  private readonly categoryOf = SUPPORT_INTENT_CATEGORY;

  constructor(readonly model: SoftmaxModel) {}

  get intents(): string[] {
    return [...this.model.labels];
  }

  get categories(): string[] {
    return [...new Set(this.intents.map((i) => this.categoryOf.get(i)!))];
  }

  /** `language` when the caller already knows it; detected otherwise. */
  classify(text: string, language: string = detectLanguage(text)): SupportPrediction {
    // French is read twice (as written and glossed): its evidence is halved so its confidence means the same.
    const ranked = this.model.predict(supportFeatures(text, language), language === 'fr' ? 0.5 : 1);
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
    return { intent: top.label, category, confidence, confident: confidence >= CONFIDENT_THRESHOLD, intentConfidence: intents[0]!.probability, intents, alternatives };
  }
}

/**
 * What the model reads: word uni/bigrams; French text both as written (the model has seen French) and glossed word by
 * word into English (so the English data's evidence counts too).
 */
export function supportFeatures(text: string, language: string): string[] {
  return language === 'fr' ? [...features(text), ...features(glossFrench(text))] : features(text);
}

/**
 * Naive Bayes log-likelihoods are divided by this: 3 gave the lowest calibration error on unseen phrasing (the
 * paraphrases' 5-fold cross-validation and Bitext's held-out phrasing families: ECE 0.015 pooled, 0.077 on the
 * paraphrases, against 0.036 and 0.234 at 2).
 */
export const SUPPORT_TEMPERATURE = 3;

/** Our own paraphrases weigh this many times: 10 per intent and language against ~800 Bitext utterances per intent. */
export const PARAPHRASE_WEIGHT = 20;

/**
 * How the built-in model is fitted (`npm run train`, and `npm run eval` on its own splits): Bitext's English
 * utterances plus the project's English and French paraphrases. Naive Bayes: the Bitext phrasing is narrow ("cancel a
 * purchase"), and naive Bayes carries single words ("cancel", "order") to new phrasings better than the regression,
 * which leans on the bigrams it memorised.
 */
export function fitSupportModel(
  bitext: readonly { utterance: string; intent: string }[],
  paraphrases: readonly { text: string; intent: string; language: string }[] = [],
): SoftmaxModel {
  const examples = [
    ...bitext.map((r) => ({ features: features(r.utterance), label: r.intent })),
    ...Array.from({ length: PARAPHRASE_WEIGHT }, () => paraphrases.map((p) => ({ features: supportFeatures(p.text, p.language), label: p.intent }))).flat(),
  ];
  return SoftmaxModel.naiveBayes(examples, { minCount: 2, temperature: SUPPORT_TEMPERATURE });
}

let shared: SupportClassifier | undefined;

/** Loaded once per process from the committed artefact and shared by every local provider instance. */
export function supportClassifier(): SupportClassifier {
  shared ??= new SupportClassifier(SoftmaxModel.fromJSON(readModel<SoftmaxModelData>(SUPPORT_ARTEFACT)));
  return shared;
}
