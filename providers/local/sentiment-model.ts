import type { SentimentLabel } from '../task-schemas.js';
import { resolveLanguage } from './language.js';
import { SentimentAnalyzer, type NaturalSentimentAnalyzer } from './natural-modules.js';
import { words } from './text.js';

export interface SentimentScore {
  label: SentimentLabel;
  score: number;
  confidence: number;
  language: string;
}

const FRENCH_NEGATIONS = ['pas', 'jamais', 'rien', 'aucun', 'aucune', 'personne', 'ni', 'guère', 'sans'];

/** Below this |score| the evidence is too weak to call the text positive or negative. */
const NEUTRAL_BAND = 0.15;

interface Lexicon {
  analyzer: NaturalSentimentAnalyzer;
  /** Largest per-word polarity of the lexicon, to bring AFINN (±5) and Pattern (±1) onto one scale. */
  scale: number;
}

function buildLexicons(): Map<string, Lexicon> {
  const french = new SentimentAnalyzer('French', null, 'pattern');
  french.negations = FRENCH_NEGATIONS; // natural ships no French negation list
  return new Map([
    ['en', { analyzer: new SentimentAnalyzer('English', null, 'afinn'), scale: 5 }],
    ['fr', { analyzer: french, scale: 1 }],
  ]);
}

let lexicons: Map<string, Lexicon> | undefined;

export const SENTIMENT_LANGUAGES: ReadonlySet<string> = new Set(['en', 'fr']);

/**
 * Lexicon sentiment with natural's analyzers. natural keeps a negation active until the end of its input,
 * so each clause is scored on its own to keep "not bad, but slow" from flipping the second half.
 */
export function scoreSentiment(text: string, requestedLanguage?: string): SentimentScore {
  const language = resolveLanguage(requestedLanguage, text);
  lexicons ??= buildLexicons();
  const lexicon = lexicons.get(language) ?? lexicons.get('en')!;
  let raw = 0;
  let tokenCount = 0;
  for (const clause of text.split(/[.!?;,:\n]+|\b(?:but|however|mais|cependant)\b/iu)) {
    const tokens = words(clause);
    if (tokens.length === 0) continue;
    raw += lexicon.analyzer.getSentiment(tokens) * tokens.length;
    tokenCount += tokens.length;
  }
  const intensity = raw / lexicon.scale;
  const score = tokenCount === 0 ? 0 : Math.tanh(intensity * 0.8);
  const magnitude = Math.abs(score);
  const label: SentimentLabel = magnitude < NEUTRAL_BAND ? 'neutral' : score > 0 ? 'positive' : 'negative';
  const confidence =
    label === 'neutral' ? 0.5 + 0.5 * (1 - magnitude / NEUTRAL_BAND) * 0.6 : Math.min(0.99, 0.5 + magnitude / 2);
  return { label, score: round(score), confidence: round(confidence), language };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
