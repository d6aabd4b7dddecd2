import type { SentimentLabel } from '../../task-schemas.js';
import { resolveLanguage } from '../language.js';
import { readModel } from '../model-files.js';
import { SoftmaxModel, type SoftmaxModelData } from '../softmax-model.js';
import { englishSentimentFeatures } from './english-features.js';
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

/**
 * Below this |score| the evidence is too weak to take a side. The score leaves out the model's intercept (the share of
 * positive phrases in SST-2), so a text with nothing in it scores 0. At 0.5, 8 % of SST-2's held-out phrases (all of
 * them positive or negative) come out neutral, and factual sentences mostly do.
 */
export const NEUTRAL_BAND = 0.5;
/** Longer inputs than this are scored on their first part: enough to decide, bounded in cost. */
const MAX_SCORED_CHARS = 4_000;

let english: SoftmaxModel | undefined;

/** The trained English model (`npm run train` writes it; loaded once, on first use or at boot). */
export function englishSentimentModel(): SoftmaxModel {
  english ??= SoftmaxModel.fromJSON(readModel<SoftmaxModelData>(SENTIMENT_ARTEFACT));
  return english;
}

function labelFor(score: number, evidence: boolean): SentimentLabel {
  if (!evidence || Math.abs(score) < NEUTRAL_BAND) return 'neutral';
  return score > 0 ? 'positive' : 'negative';
}

/**
 * English: logistic regression trained on SST-2 (word n-grams with negation scope plus AFINN polarity features).
 * French: lexicon and rules. `neutral` when the evidence is weak or absent; confidence is the model's probability
 * for the label given (for neutral, how close to undecided the text is).
 */
export function scoreSentiment(text: string, requestedLanguage?: string): SentimentScore {
  const language = resolveLanguage(requestedLanguage, text);
  const input = text.length > MAX_SCORED_CHARS ? text.slice(0, MAX_SCORED_CHARS) : text;
  let score: number;
  let evidence: boolean;
  if (language === 'fr') {
    const french = frenchPolarity(input);
    score = Math.tanh(french.polarity * 1.5);
    evidence = french.evidence > 0;
  } else {
    const model = englishSentimentModel();
    const features = englishSentimentFeatures(input);
    const { sums, known } = model.evidence(features);
    // tanh(z / 2) = 2·sigmoid(z) − 1: the model's probability, rescaled to −1..1.
    score = Math.tanh((sums[model.labels.indexOf('positive')]! - sums[model.labels.indexOf('negative')]!) / 2);
    evidence = known > 0;
  }
  const label = labelFor(score, evidence);
  const probability = (1 + Math.abs(score)) / 2;
  const confidence = label === 'neutral' ? 1 - Math.abs(score) / 2 : probability;
  return { label, score: round4(score), confidence: round4(Math.min(0.9999, confidence)), language };
}
