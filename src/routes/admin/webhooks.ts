import { Type } from 'typebox';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, IdParams, PageQuery, closed, errorResponses, pageOf } from '../common-schemas.js';
import { registerEndpointRoutes } from '../webhooks/endpoint-routes.js';
import { Delivery, DeliveryStatus, EventTypeSchema, RedeliverDead } from '../webhooks/webhook-schemas.js';
import { requireTenant } from './require-tenant.js';
import { ROLES } from './roles.js';

const ADMIN_SECURITY = [{ bearer: [] }];

const DeliveryQuery = Type.Object(
  {
    ...PageQuery.properties,
    tenant_id: Type.Optional(IdParams.properties.id),
    endpoint_id: Type.Optional(IdParams.properties.id),
    status: Type.Optional(DeliveryStatus),
    event_type: Type.Optional(EventTypeSchema),
    event_id: Type.Optional(IdParams.properties.id),
  },
  closed,
);

/** Any tenant's endpoints, the delivery log across tenants, and redelivery. */
export function registerAdminWebhookRoutes(app: App, deps: Deps): void {
  registerEndpointRoutes(app, deps, {
    base: '/tenants/:id/webhooks',
    params: IdParams,
    tenant: async (request) => (await requireTenant(deps.repos.tenants, (request.params as { id: string }).id)).id,
    read: { roles: ROLES.read },
    write: (audit) => ({ roles: ROLES.manage, audit }),
    tags: ['webhooks'],
    security: ADMIN_SECURITY,
    authErrors: AUTH_ERRORS,
  });

  app.get(
    '/webhooks/deliveries',
    {
      config: { roles: ROLES.read },
      schema: {
        tags: ['webhooks'],
        summary: 'The delivery log, newest first: every attempt with status, latency and the start of the answer.',
        security: ADMIN_SECURITY,
        querystring: DeliveryQuery,
        response: { 200: pageOf(Delivery), ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      return deps.repos.webhookDeliveries.list(filter, { limit: limit ?? 50, cursor });
    },
  );

  app.get(
    '/webhooks/deliveries/:id',
    {
      config: { roles: ROLES.read },
      schema: {
        tags: ['webhooks'],
        summary: 'One delivery with its attempts.',
        security: ADMIN_SECURITY,
        params: IdParams,
        response: { 200: Delivery, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      const delivery = await deps.repos.webhookDeliveries.get(request.params.id);
      if (!delivery) throw new GatewayError('NOT_FOUND', 'Delivery not found.');
      return delivery;
    },
  );

  app.post(
    '/webhooks/deliveries/:id/redeliver',
    {
      config: { roles: ROLES.manage, audit: 'webhook.redelivered' },
      schema: {
        tags: ['webhooks'],
        summary:
          'Send a delivery again now with the same webhook-id: a dead letter or a delivered event starts a new run of the retry schedule; a waiting retry is brought forward.',
        security: ADMIN_SECURITY,
        params: IdParams,
        response: { 202: Delivery, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND', 'CONFLICT') },
      },
    },
    async (request, reply) => {
      const delivery = await deps.repos.webhookDeliveries.get(request.params.id);
      if (!delivery) throw new GatewayError('NOT_FOUND', 'Delivery not found.');
      const endpoint = await deps.repos.webhookEndpoints.get(delivery.tenant_id, delivery.endpoint_id);
      if (!endpoint?.enabled) throw new GatewayError('CONFLICT', 'The endpoint is disabled; enable it first.', { details: { endpoint_id: delivery.endpoint_id } });
      const queued = await deps.repos.webhookDeliveries.redeliver(delivery.id, deps.clock());
      request.auditTarget = { type: 'webhook_delivery', id: delivery.id, tenant_id: delivery.tenant_id };
      deps.webhookDispatcher.wake();
      return reply.code(202).send(queued!);
    },
  );

  app.post(
    '/webhooks/deliveries/redeliver',
    {
      config: { roles: ROLES.manage, audit: 'webhook.dead_letters_redelivered' },
      schema: {
        tags: ['webhooks'],
        summary: 'Queue again every dead letter that died at or after `since` (optionally of one tenant or endpoint; enabled endpoints only).',
        security: ADMIN_SECURITY,
        body: RedeliverDead,
        response: { 202: Type.Object({ requeued: Type.Integer() }), ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const { since, tenant_id, endpoint_id } = request.body;
      const requeued = await deps.repos.webhookDeliveries.redeliverDead({ since: new Date(since), tenant_id, endpoint_id }, deps.clock());
      request.auditTarget = { type: 'webhook_delivery', id: null, tenant_id: tenant_id ?? null, diff: { since, endpoint_id, requeued } };
      deps.webhookDispatcher.wake();
      return reply.code(202).send({ requeued });
    },
  );
}
