import { Type } from 'typebox';
import { EVENT_TYPES } from '../../events/event-bus.js';
import { MAX_WEBHOOK_URL_LENGTH } from '../../webhooks/webhook-destination.js';
import { DateTime, Nullable, Timestamp, closed } from '../common-schemas.js';

export const EventTypeSchema = Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)));

const Url = Type.String({ minLength: 8, maxLength: MAX_WEBHOOK_URL_LENGTH, description: 'https (http only where private networks are allowed)' });
const Events = Type.Array(EventTypeSchema, {
  minItems: 1,
  maxItems: EVENT_TYPES.length,
  uniqueItems: true,
  description: 'Event types to receive; `task.completed` is sent only to endpoints that list it.',
});
const Description = Nullable(Type.String({ maxLength: 500 }));

export const NewEndpoint = Type.Object({ url: Url, events: Events, description: Type.Optional(Description) }, closed);

export const EndpointPatch = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean({ description: 'true turns a disabled endpoint back on and forgets its failure streak' })),
  },
  { ...closed, minProperties: 1 },
);

export const RotateSecret = Type.Optional(
  Type.Object(
    {
      overlap_seconds: Type.Optional(
        Type.Integer({ minimum: 0, maximum: 604_800, default: 86_400, description: 'how long the old secret keeps signing too' }),
      ),
    },
    closed,
  ),
);

export const Endpoint = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  url: Type.String(),
  description: Nullable(Type.String()),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabled_reason: Nullable(Type.String({ description: '`gone` (410), `failing` (5 days without success) or `by_user`' })),
  failing_since: Nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const EndpointWithSecret = Type.Object({
  ...Endpoint.properties,
  secret: Type.String({ description: 'whsec_…: verify signatures with it; shown only now' }),
});

const Attempt = Type.Object({
  attempt: Type.Integer(),
  at: Timestamp,
  status_code: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  latency_ms: Type.Integer(),
  response_snippet: Nullable(Type.String({ description: 'the first 1 KiB of the answer' })),
});

export const Delivery = Type.Object({
  id: Type.String(),
  event_id: Type.String({ description: 'the webhook-id the receiver saw' }),
  endpoint_id: Type.String(),
  tenant_id: Type.String(),
  event_type: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('dead')]),
  attempts: Type.Integer({ description: 'attempts in the current run of the retry schedule' }),
  next_attempt_at: Nullable(Timestamp),
  last_status_code: Nullable(Type.Integer()),
  last_error: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
  finished_at: Nullable(Timestamp),
  attempt_log: Type.Array(Attempt),
});

export const DeliveryStatus = Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('dead')]);

export const RedeliverDead = Type.Object(
  {
    since: DateTime,
    tenant_id: Type.Optional(Type.String({ pattern: '^[a-z]{2,5}_[0-9a-z]{22}$' })),
    endpoint_id: Type.Optional(Type.String({ pattern: '^[a-z]{2,5}_[0-9a-z]{22}$' })),
  },
  closed,
);
