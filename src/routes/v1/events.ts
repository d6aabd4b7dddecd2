import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { tenantOf } from '../../../middleware/authenticate.js';
import { rateLimited } from '../../../middleware/rate-limit.js';
import { EVENT_TYPES } from '../../../repositories/types.js';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { TENANT_AUTH_ERRORS, TENANT_SECURITY, DateTime, closed, errorResponses } from '../common-schemas.js';

const Ref = Type.String({ minLength: 1, maxLength: 128 });

const Event = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,128}$', description: 'Idempotency key: a repeated id is counted as a duplicate.' })),
    type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))),
    user_id: Ref,
    item_id: Ref,
    value: Type.Optional(Type.Number({ minimum: -1e9, maximum: 1e9, description: 'For `rating`: the rating (1..5).' })),
    timestamp: Type.Optional(DateTime),
  },
  closed,
);

export function registerEventRoutes(app: App, deps: Deps): void {
  app.post(
    '/events',
    {
      config: { scope: 'events' },
      schema: {
        tags: ['data'],
        summary: 'Ingest user-item interaction events; they feed the local recommender. Counted against the tenant\'s events_per_minute ingest quota.',
        security: TENANT_SECURITY,
        body: Type.Object({ events: Type.Array(Event, { minItems: 1, maxItems: 1000 }) }, closed),
        response: {
          202: Type.Object({ accepted: Type.Integer(), duplicates: Type.Integer() }),
          ...errorResponses(...TENANT_AUTH_ERRORS, 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED'),
        },
      },
    },
    async (request, reply) => {
      const { tenant } = tenantOf(request);
      // The ingest quota counts events, not requests: what a tenant may add to its model and the store per minute.
      const limit = tenant.quota.events_per_minute ?? deps.config.recommendations.eventsPerMinute;
      const count = request.body.events.length;
      if (count > limit) {
        throw new GatewayError('PAYLOAD_TOO_LARGE', `This tenant may ingest at most ${limit} events per minute: send fewer per request.`, {
          details: { quota: 'events_per_minute', limit },
        });
      }
      const rule = { name: 'events:m', limit, windowMs: 60_000, cost: count };
      const decision = await deps.rateLimits.consume(tenant.id, [rule]);
      if (!decision.allowed) {
        throw rateLimited(decision, `The ingest quota of ${limit} events per minute is used up; retry later.`, { quota: 'events_per_minute' });
      }
      const now = deps.clock();
      const { stored, duplicates } = await deps.repos.interactions.addEvents(
        tenant.id,
        request.body.events.map((e) => ({
          id: e.id ?? `evt_${randomUUID()}`,
          type: e.type,
          user_id: e.user_id,
          item_id: e.item_id,
          value: e.value ?? null,
          occurred_at: e.timestamp ? new Date(e.timestamp) : now,
        })),
      );
      await deps.recommender.stored(tenant.id, stored);
      return reply.code(202).send({ accepted: stored.length, duplicates });
    },
  );
}
