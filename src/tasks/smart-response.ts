import { Type, type Static } from 'typebox';
import { defineTask } from './task-descriptor.js';
import { Language, SentimentLabel, Text, Unit, closed } from './schema-parts.js';

export const Tone = Type.Union([Type.Literal('friendly'), Type.Literal('formal'), Type.Literal('concise')]);
export type Tone = Static<typeof Tone>;
export const Turn = Type.Object(
  { role: Type.Union([Type.Literal('customer'), Type.Literal('agent')]), text: Text },
  closed,
);
export const SmartResponseInput = Type.Object(
  {
    message: Text,
    conversation: Type.Optional(Type.Array(Turn, { maxItems: 50 })),
    tone: Type.Optional(Tone),
    language: Type.Optional(Language),
    context: Type.Optional(
      Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), Type.String({ maxLength: 1000 }), {
        maxProperties: 50,
        additionalProperties: false,
      }),
    ),
  },
  closed,
);
export const SmartResponseResult = Type.Object(
  {
    reply: Type.String({ minLength: 1, maxLength: 20_000 }),
    alternatives: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20_000 }), { maxItems: 5 })),
    intent: Type.String({ minLength: 1 }),
    sentiment: SentimentLabel,
    escalate: Type.Boolean(),
    escalation_score: Unit,
    sources: Type.Optional(Type.Array(Type.String(), { maxItems: 20 })),
    reply_kind: Type.Optional(
      Type.Union([Type.Literal('knowledge_base'), Type.Literal('template'), Type.Literal('clarify'), Type.Literal('handover')], {
        description: 'What the reply is: a knowledge-base answer, the template of a confidently recognised intent, a clarifying question, or a hand-over to a person.',
      }),
    ),
  },
  closed,
);

export const smartResponse = defineTask({
  name: 'smart-response',
  summary: 'A reply to a customer message, with intent, sentiment and an escalation prediction.',
  input: SmartResponseInput,
  result: SmartResponseResult,
  timeoutMs: 30_000,
  cacheTtlSeconds: 3_600,
  outputTokenCap: 512,
  grounded: true,
});
