import type { SentimentLabel } from '../../../src/tasks/index.js';
import { resolveLanguage } from '../language.js';
import { readModel } from '../model-files.js';
import { SoftmaxModel, type SoftmaxModelData } from '../softmax-model.js';
import { englishSentimentFeatures } from './english-features.js';
import { frenchSentimentFeatures } from './french-features.js';
import { frenchPolarity } from './french-sentiment.js';
import { round4 } from '../round.js';

export interface SentimentScore {
  label: SentimentLabel;
  score: number;
  confidence: number;
  language: string;
}

export const SENTIMENT_LANGUAGES: ReadonlySet<string> = new Set(['en', 'fr']);
export const SENTIMENT_ARTEFACT = 'sentiment-en.json';
export const FRENCH_SENTIMENT_ARTEFACTS = { regression: 'sentiment-fr.json', naiveBayes: 'sentiment-fr-nb.json' } as const;

/**
 * Below this |score| the evidence is too weak to take a side. The score leaves out the model's intercept (the share of
 * positive phrases in SST-2), so a text with nothing in it scores 0. At 0.5, 8 % of SST-2's held-out phrases (all of
 * them positive or negative) come out neutral, and factual sentences mostly do.
 */
export const NEUTRAL_BAND = 0.5;
/**
 * Confidence is the model's probability with its log-odds divided by this: summed evidence from two French models is
 * overconfident (mean 98 % against 90 % right); 6 gave the lowest calibration error on validation shares of the train
 * split (ECE 0.082 → 0.015). English: 1.5, the lowest log-loss on the commerce sentences' 5-fold cross-validation
 * (ECE 0.054 at 1 → 0.010).
 */
const CONFIDENCE_TEMPERATURE = { en: 1.5, fr: 6 } as const;

/** Longer inputs than this are scored on their first part: enough to decide, bounded in cost. */
const MAX_SCORED_CHARS = 4_000;

let english: SoftmaxModel | undefined;
let french: SoftmaxModel[] | undefined;

/** The trained English model (`npm run train` writes it; loaded once, on first use or at boot). */
export function englishSentimentModel(): SoftmaxModel {
  english ??= SoftmaxModel.fromJSON(readModel<SoftmaxModelData>(SENTIMENT_ARTEFACT));
  return english;
}

/**
 * The trained French models (Allociné reviews and commerce sentences): a regression and a naive Bayes whose log-odds
 * are added. On validation shares of the train split (5 seeds) the sum beat either alone: 88.7 % against 84.9 %
 * (regression) and 87.0 % (naive Bayes), with 2 700 reviews too few for the regression on its own.
 */
export function frenchSentimentModels(): SoftmaxModel[] {
  french ??= Object.values(FRENCH_SENTIMENT_ARTEFACTS).map((name) => SoftmaxModel.fromJSON(readModel<SoftmaxModelData>(name)));
  return french;
}

/**
 * French: the trained models' log-odds, trusted in proportion to how much of the text they know (a short factual
 * sentence is not a review), plus the lexicon and its set phrases ("pas terrible", "rien à redire"), which carry short
 * texts. The weights were chosen on validation shares of the train split (88.7 % → 87.9 %, for short texts that read
 * as what they say).
 */
function frenchMargin(text: string): { z: number; known: number } {
  const lexicon = frenchPolarity(text);
  const models = margin(frenchSentimentModels(), frenchSentimentFeatures(lexicon.withoutSetPhrases));
  const trust = Math.min(1, models.known / FRENCH_MODEL_FULL_TRUST_FEATURES) ** 2;
  return { z: models.z * trust + FRENCH_LEXICON_WEIGHT * lexicon.polarity, known: models.known + lexicon.evidence };
}

const FRENCH_MODEL_FULL_TRUST_FEATURES = 20;
const FRENCH_LEXICON_WEIGHT = 2;

/** Positive minus negative evidence over the models, and how many features any of them knew. */
function margin(models: readonly SoftmaxModel[], features: readonly string[]): { z: number; known: number } {
  let z = 0;
  let known = 0;
  for (const model of models) {
    const e = model.evidence(features);
    z += e.sums[model.labels.indexOf('positive')]! - e.sums[model.labels.indexOf('negative')]!;
    known = Math.max(known, e.known);
  }
  return { z, known };
}

function labelFor(score: number, evidence: boolean): SentimentLabel {
  if (!evidence || Math.abs(score) < NEUTRAL_BAND) return 'neutral';
  return score > 0 ? 'positive' : 'negative';
}

/**
 * Logistic regression over word n-grams with negation scope plus lexicon polarity features: English trained on SST-2
 * (AFINN), French on Allociné reviews and commerce sentences (the Pattern lexicon). `neutral` when the evidence is
 * weak or absent; confidence is the model's probability for the label given (for neutral, how close to undecided the
 * text is).
 */
export function scoreSentiment(text: string, requestedLanguage?: string): SentimentScore {
  const language = resolveLanguage(requestedLanguage, text);
  const input = text.length > MAX_SCORED_CHARS ? text.slice(0, MAX_SCORED_CHARS) : text;
  const { z, known } = language === 'fr' ? frenchMargin(input) : margin([englishSentimentModel()], englishSentimentFeatures(input));
  // tanh(z / 2) = 2·sigmoid(z) − 1: the model's probability, rescaled to −1..1.
  const score = Math.tanh(z / 2);
  const evidence = known > 0;
  const label = labelFor(score, evidence);
  const probability = 1 / (1 + Math.exp(-Math.abs(z) / CONFIDENCE_TEMPERATURE[language === 'fr' ? 'fr' : 'en']));
  const confidence = label === 'neutral' ? 1 - Math.abs(score) / 2 : probability;
  return { label, score: round4(score), confidence: round4(Math.min(0.9999, confidence)), language };
}
