import { Type } from 'typebox';
import { GatewayError } from '../errors.js';
import { defineTask } from './task-descriptor.js';
import { Text, Unit, closed } from './schema-parts.js';

export const CategorizeInput = Type.Object(
  {
    text: Text,
    labels: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 2, maxItems: 50, uniqueItems: true }),
    ),
    taxonomy: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' })),
  },
  closed,
);
const Scored = Type.Object({ category: Type.String({ minLength: 1 }), confidence: Unit }, closed);
export const CategorizeResult = Type.Object(
  {
    category: Type.String({ minLength: 1 }),
    confidence: Unit,
    intent: Type.Optional(Type.String({ minLength: 1 })),
    alternatives: Type.Array(Scored, { maxItems: 50 }),
    confident: Type.Optional(
      Type.Boolean({ description: 'False when the confidence is below the threshold (0.6): the category is a guess; see `alternatives`.' }),
    ),
  },
  closed,
);

/**
 * A categorisation at or above this confidence is `confident`. Chosen on validation data of unseen phrasing (the
 * support paraphrases' cross-validation and Bitext's held-out phrasing families, pooled): 96.7 % of such answers had
 * the right category, and 88 % of answers reached it.
 */
export const CONFIDENT_THRESHOLD = 0.6;

/** The taxonomy named, when it is one the tenant trained (not the built-in support taxonomy). */
export const tenantTaxonomy = (taxonomy: string | undefined): string | undefined => (taxonomy && taxonomy !== 'support' ? taxonomy : undefined);

export const categorize = defineTask({
  name: 'categorize',
  summary: "Category (and support intent) of a text: the support taxonomy, one of the tenant's trained taxonomies, or zero-shot `labels`.",
  input: CategorizeInput,
  result: CategorizeResult,
  timeoutMs: 10_000,
  cacheTtlSeconds: 86_400,
  outputTokenCap: 128,
  // Vendors and local models alike say whether they are confident, by one threshold.
  complete: (answer) => ({ ...answer, confident: answer.confident ?? answer.confidence >= CONFIDENT_THRESHOLD }),
  declined: (input) => {
    const taxonomy = tenantTaxonomy(input.taxonomy);
    return taxonomy ? new GatewayError('NOT_FOUND', `This tenant has no trained taxonomy "${taxonomy}".`, { details: { taxonomy } }) : undefined;
  },
  // Feedback on a tenant-taxonomy answer teaches that taxonomy: keep the text to learn from.
  answered: (services, { tenantId, requestId, input }) => {
    // Zero-shot labels answer instead of the taxonomy when both are given: nothing to learn then.
    const taxonomy = input.labels ? undefined : tenantTaxonomy(input.taxonomy);
    if (taxonomy) services.taxonomies.rememberInput(tenantId, requestId, taxonomy, input.text);
  },
});
