import { Type } from 'typebox';
import { GatewayError } from '../errors.js';
import { defineTask } from './task-descriptor.js';
import { Id, closed } from './schema-parts.js';

export const RecommendationsInput = Type.Object(
  {
    user_id: Type.Optional(Id),
    item_id: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    exclude: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
    filters: Type.Optional(Type.Object({ category: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) }, closed)),
  },
  closed,
);
export const RecommendationsResult = Type.Object(
  {
    items: Type.Array(Type.Object({ item_id: Id, score: Type.Number(), reason: Type.String() }, closed), {
      maxItems: 100,
    }),
    strategy: Type.Union([
      Type.Literal('item_similarity'),
      Type.Literal('user_history'),
      Type.Literal('popularity'),
      Type.Literal('none'),
    ]),
  },
  closed,
);

export const recommendations = defineTask({
  name: 'recommendations',
  summary: 'Items for a user or similar to an item, from the ingested events.',
  input: RecommendationsInput,
  result: RecommendationsResult,
  timeoutMs: 5_000,
  // Recommendations follow fresh events, so they are not cached unless configured.
  cacheTtlSeconds: 0,
  outputTokenCap: 0,
  check: ({ user_id, item_id }) => {
    if (!user_id && !item_id) {
      throw new GatewayError('VALIDATION_FAILED', 'Give user_id, item_id or both.', { details: { issues: [{ field: 'body.user_id', message: 'user_id or item_id is required' }] } });
    }
  },
});
