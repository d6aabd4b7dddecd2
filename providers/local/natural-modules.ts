import { createRequire } from 'node:module';

/**
 * natural's top-level entry loads its storage adapters, which pull in dotenv and read `.env`;
 * the gateway takes only the pieces it needs, by path.
 */
const require = createRequire(import.meta.url);

export interface NaturalSentimentAnalyzer {
  negations: string[];
  getSentiment(tokens: string[]): number;
}

type AnalyzerClass = new (language: string, stemmer: null, vocabulary: string) => NaturalSentimentAnalyzer;

export const SentimentAnalyzer = require('natural/lib/natural/sentiment/SentimentAnalyzer.js') as AnalyzerClass;

interface PatternEntry {
  form: string;
  polarity: string;
}

const patternFrench = () => require('natural/lib/natural/sentiment/French/pattern-sentiment-fr.json') as Record<string, PatternEntry>;

/** The word forms of natural's French Pattern lexicon (about 5 000 adjectives and their inflections). */
export function frenchLexiconForms(): string[] {
  return Object.keys(patternFrench());
}

/** Each form of the French Pattern lexicon with its polarity (−1..1). */
export function frenchLexicon(): Map<string, number> {
  return new Map(Object.entries(patternFrench()).map(([form, e]) => [form, Number(e.polarity)]));
}

interface Stemmer {
  stem(word: string): string;
}

/** Porter stemmers: "refunds", "refunded" and "refund" meet at one term in the knowledge-base index. */
export const STEMMERS: Record<'en' | 'fr', Stemmer> = {
  en: require('natural/lib/natural/stemmers/porter_stemmer.js') as Stemmer,
  fr: require('natural/lib/natural/stemmers/porter_stemmer_fr.js') as Stemmer,
};

export const STOPWORDS: Record<'en' | 'fr', ReadonlySet<string>> = {
  en: new Set((require('natural/lib/natural/util/stopwords.js') as { words: string[] }).words),
  fr: new Set((require('natural/lib/natural/util/stopwords_fr.js') as { words: string[] }).words),
};
