/** Schema pieces more than one task uses. */
import { Type, type Static } from 'typebox';

export const closed = { additionalProperties: false } as const;
export const Text = Type.String({ minLength: 1, maxLength: 10_000 });
export const Language = Type.String({ pattern: '^(auto|[a-z]{2})$', description: '`auto` or an ISO 639-1 code' });
export const Unit = Type.Number({ minimum: 0, maximum: 1 });
export const Id = Type.String({ minLength: 1, maxLength: 128 });

export const SentimentLabel = Type.Union([Type.Literal('positive'), Type.Literal('negative'), Type.Literal('neutral')]);
export type SentimentLabel = Static<typeof SentimentLabel>;
