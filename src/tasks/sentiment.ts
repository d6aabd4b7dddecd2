import { Type } from 'typebox';
import { defineTask } from './task-descriptor.js';
import { Language, SentimentLabel, Text, Unit, closed } from './schema-parts.js';

export const SentimentInput = Type.Object({ text: Text, language: Type.Optional(Language) }, closed);
export const SentimentResult = Type.Object(
  {
    label: SentimentLabel,
    score: Type.Number({ minimum: -1, maximum: 1 }),
    confidence: Unit,
    language: Type.String({ minLength: 2, maxLength: 8 }),
  },
  closed,
);

export const sentiment = defineTask({
  name: 'sentiment',
  summary: 'Sentiment of a text (positive, negative, neutral) with a score from -1 to 1.',
  input: SentimentInput,
  result: SentimentResult,
  timeoutMs: 10_000,
  cacheTtlSeconds: 86_400,
  outputTokenCap: 64,
});
