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
