/** What wraps every task's own input and answer: the caller's `options` in, the gateway's `meta` out. */
import { Type, type Static } from 'typebox';
import { closed } from './schema-parts.js';

export const TaskOptions = Type.Object(
  {
    providers: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }), { minItems: 1, maxItems: 16, uniqueItems: true, description: 'Providers to try, in order, within what the tenant may use.' }),
    ),
    cache: Type.Optional(Type.Union([Type.Literal('use'), Type.Literal('bypass'), Type.Literal('refresh')])),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000, description: 'Deadline for the whole request.' })),
  },
  closed,
);

export const TaskMeta = Type.Object({
  request_id: Type.String(),
  provider: Type.String(),
  model: Type.String(),
  cached: Type.Boolean(),
  latency_ms: Type.Number(),
  usage: Type.Object({ input_tokens: Type.Integer(), output_tokens: Type.Integer(), cost_micros: Type.Integer() }),
});
export type TaskMeta = Static<typeof TaskMeta>;
export type TaskOptions = Static<typeof TaskOptions>;
