import { Type, type TSchema } from 'typebox';
import type { EventType } from './event-bus.js';

const KeyData = {
  key_id: Type.String(),
  kind: Type.Union([Type.Literal('tenant'), Type.Literal('admin')]),
  name: Type.String(),
  mode: Type.Union([Type.Literal('bearer'), Type.Literal('signed')]),
  start: Type.String({ description: 'the first characters of the key, for recognising it; never the key' }),
  scopes: Type.Array(Type.String()),
  role: Type.Union([Type.String(), Type.Null()]),
};

const Quota = {
  quota: Type.String({ description: 'requests_per_day, requests_per_month, tokens_per_month or cost_micros_per_month' }),
  limit: Type.Integer(),
  used: Type.Integer(),
  period: Type.String(),
  resets_at: Type.String({ format: 'date-time' }),
};

const Circuit = { provider: Type.String(), model: Type.String() };

/** What each event's `data` holds, and when it is sent: the OpenAPI description's `webhooks` section is made from this. */
export const EVENT_CATALOGUE: Record<EventType, { summary: string; data: TSchema }> = {
  'key.created': { summary: 'A key was issued for the tenant.', data: Type.Object(KeyData) },
  'key.rotated': {
    summary: 'A key was rotated: a successor was issued; the old key works until `old_key_expires_at`.',
    data: Type.Object({ ...KeyData, rotated_from: Type.String(), old_key_expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]) }),
  },
  'key.revoked': { summary: 'A key was revoked; it is refused from now on.', data: Type.Object(KeyData) },
  'quota.threshold_reached': {
    summary: 'A quota crossed 80 % or 100 % of its limit in this period (once per threshold and period).',
    data: Type.Object({ ...Quota, threshold_percent: Type.Union([Type.Literal(80), Type.Literal(100)]) }),
  },
  'quota.exceeded': { summary: 'A request was refused because a quota is used up (once per quota and period).', data: Type.Object(Quota) },
  'provider.circuit_opened': {
    summary: 'An AI provider keeps failing: the gateway stops calling it and falls back (sent to every subscribed tenant).',
    data: Type.Object({ ...Circuit, retry_after_ms: Type.Integer() }),
  },
  'provider.circuit_closed': { summary: 'The provider answers again (sent to every subscribed tenant).', data: Type.Object(Circuit) },
  'invoice.finalized': {
    summary: "Last month's invoice is final.",
    data: Type.Object({ month: Type.String({ pattern: '^\\d{4}-\\d{2}$' }), total_micros: Type.Integer(), currency: Type.String() }),
  },
  'model.retrained': {
    summary: 'A tenant taxonomy has a new trained version.',
    data: Type.Object({ taxonomy: Type.String(), version: Type.Integer(), examples: Type.Integer(), labels: Type.Array(Type.String()) }),
  },
  'task.completed': {
    summary: 'A task request was answered (opt-in: only endpoints that list this type receive it).',
    data: Type.Object({
      request_id: Type.String(),
      task: Type.String(),
      provider: Type.String(),
      model: Type.String(),
      cached: Type.Boolean(),
      usage: Type.Object({ input_tokens: Type.Integer(), output_tokens: Type.Integer(), cost_micros: Type.Integer() }),
    }),
  },
  'webhook.endpoint_disabled': {
    summary: 'The gateway turned one of the tenant\'s endpoints off: it answered 410 (`gone`) or failed for 5 days (`failing`).',
    data: Type.Object({ endpoint_id: Type.String(), url: Type.String(), reason: Type.Union([Type.Literal('gone'), Type.Literal('failing')]) }),
  },
};

const HEADERS = [
  ['webhook-id', 'msg_…: the event id, the same on every retry (deduplicate by it)'],
  ['webhook-timestamp', 'unix seconds of this attempt (reject old ones)'],
  ['webhook-signature', 'v1,<base64 HMAC-SHA256 of "id.timestamp.body">, space-separated while a secret rotation overlaps'],
] as const;

/** OpenAPI 3.1 `webhooks`: one POST per event type, as the receiver sees it. */
export function openApiWebhooks(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(EVENT_CATALOGUE).map(([type, { summary, data }]) => [
      type,
      {
        post: {
          summary,
          tags: ['webhooks'],
          parameters: HEADERS.map(([name, description]) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } })),
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: Type.Object({ type: Type.Literal(type), timestamp: Type.String({ format: 'date-time' }), data }),
              },
            },
          },
          responses: { '200': { description: 'Any 2xx: delivered. Anything else (3xx included) is retried; 410 turns the endpoint off.' } },
        },
      },
    ]),
  );
}
