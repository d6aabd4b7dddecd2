import type { FastifyContextConfig, FastifyRequest } from 'fastify';
import { Type, type TObject } from 'typebox';
import type { Deps } from '../../deps.js';
import { GatewayError, type ErrorCode } from '../../errors.js';
import type { EventType } from '../../events/event-bus.js';
import type { App } from '../../http/app-type.js';
import { IdParams, PageQuery, errorResponses, pageOf } from '../common-schemas.js';
import { Delivery, Endpoint, EndpointPatch, EndpointWithSecret, NewEndpoint, RotateSecret } from './webhook-schemas.js';

/** Where the endpoint routes are mounted: a tenant's own under /v1, any tenant's under /admin. */
export interface EndpointRouteScope {
  /** `/webhooks` or `/tenants/:id/webhooks`. */
  base: string;
  /** The base's own path parameters (`{id}` under /admin). */
  params: TObject;
  /** The tenant the request is about (404 when it does not exist). */
  tenant(request: FastifyRequest): Promise<string>;
  read: FastifyContextConfig;
  write(audit: string): FastifyContextConfig;
  tags: string[];
  security: { [scheme: string]: string[] }[];
  authErrors: ErrorCode[];
}

type Patch = { url?: string; events?: EventType[]; description?: string | null; enabled?: boolean };

/** The webhook-endpoint CRUD, registered once per scope so both surfaces behave the same. */
export function registerEndpointRoutes(app: App, deps: Deps, scope: EndpointRouteScope): void {
  const one = Type.Object({ ...scope.params.properties, endpoint_id: IdParams.properties.id }, { additionalProperties: false });
  const schema = (summary: string, extra: Record<string, unknown>, ...codes: ErrorCode[]) => ({
    tags: scope.tags,
    summary,
    security: scope.security,
    ...extra,
    response: { ...(extra.response as object), ...errorResponses(...scope.authErrors, ...codes) },
  });
  const endpointOf = async (request: FastifyRequest) => {
    const tenantId = await scope.tenant(request);
    const id = (request.params as { endpoint_id: string }).endpoint_id;
    const endpoint = await deps.repos.webhookEndpoints.get(tenantId, id);
    if (!endpoint) throw new GatewayError('NOT_FOUND', 'Webhook endpoint not found.');
    return endpoint;
  };
  const audit = (request: FastifyRequest, id: string, tenantId: string, diff?: Record<string, unknown>) => {
    request.auditTarget = { type: 'webhook_endpoint', id, tenant_id: tenantId, ...(diff ? { diff } : {}) };
  };

  app.post(
    scope.base,
    {
      config: scope.write('webhook.created'),
      schema: schema(
        'Register a webhook endpoint; its signing secret is in this answer only.',
        { params: scope.params, body: NewEndpoint, response: { 201: EndpointWithSecret } },
        'NOT_FOUND',
        'WEBHOOK_URL_FORBIDDEN',
      ),
    },
    async (request, reply) => {
      const tenantId = await scope.tenant(request);
      const body = request.body as { url: string; events: EventType[]; description?: string | null };
      const { endpoint, secret } = await deps.webhooks.create(tenantId, body);
      audit(request, endpoint.id, tenantId, { after: endpoint });
      return reply.code(201).send({ ...endpoint, secret });
    },
  );

  app.get(
    scope.base,
    { config: scope.read, schema: schema('Webhook endpoints, in creation order.', { params: scope.params, querystring: PageQuery, response: { 200: pageOf(Endpoint) } }, 'NOT_FOUND') },
    async (request) => {
      const query = request.query as { limit?: number; cursor?: string };
      return deps.repos.webhookEndpoints.list(await scope.tenant(request), { limit: query.limit ?? 50, cursor: query.cursor });
    },
  );

  app.get(
    `${scope.base}/:endpoint_id`,
    { config: scope.read, schema: schema('One webhook endpoint.', { params: one, response: { 200: Endpoint } }, 'NOT_FOUND') },
    async (request) => endpointOf(request),
  );

  app.patch(
    `${scope.base}/:endpoint_id`,
    {
      config: scope.write('webhook.updated'),
      schema: schema(
        'Change the URL, event types, description, or turn it off and on.',
        { params: one, body: EndpointPatch, response: { 200: Endpoint } },
        'NOT_FOUND',
        'WEBHOOK_URL_FORBIDDEN',
      ),
    },
    async (request) => {
      const before = await endpointOf(request);
      const after = await deps.webhooks.update(before.tenant_id, before.id, request.body as Patch);
      if (!after) throw new GatewayError('NOT_FOUND', 'Webhook endpoint not found.');
      audit(request, after.id, after.tenant_id, { before, after });
      return after;
    },
  );

  app.delete(
    `${scope.base}/:endpoint_id`,
    {
      config: scope.write('webhook.deleted'),
      schema: schema('Remove an endpoint with its delivery log (answered with the endpoint as it was).', { params: one, response: { 200: Endpoint } }, 'NOT_FOUND'),
    },
    async (request) => {
      const endpoint = await endpointOf(request);
      if (!(await deps.webhooks.remove(endpoint.tenant_id, endpoint.id))) throw new GatewayError('NOT_FOUND', 'Webhook endpoint not found.');
      audit(request, endpoint.id, endpoint.tenant_id, { before: endpoint });
      return endpoint;
    },
  );

  app.post(
    `${scope.base}/:endpoint_id/rotate-secret`,
    {
      config: scope.write('webhook.secret_rotated'),
      schema: schema(
        'A new signing secret (shown once); deliveries carry signatures with both secrets until `overlap_seconds` have passed.',
        { params: one, body: RotateSecret, response: { 200: EndpointWithSecret } },
        'NOT_FOUND',
      ),
    },
    async (request) => {
      const endpoint = await endpointOf(request);
      const overlap = (request.body as { overlap_seconds?: number } | undefined)?.overlap_seconds ?? 86_400;
      const rotated = await deps.webhooks.rotateSecret(endpoint.tenant_id, endpoint.id, overlap);
      if (!rotated) throw new GatewayError('NOT_FOUND', 'Webhook endpoint not found.');
      audit(request, endpoint.id, endpoint.tenant_id);
      return { ...rotated.endpoint, secret: rotated.secret };
    },
  );

  app.get(
    `${scope.base}/:endpoint_id/deliveries`,
    {
      config: scope.read,
      schema: schema('The endpoint\'s delivery log, newest first, every attempt with its status, latency and the start of the answer.', {
        params: one,
        querystring: PageQuery,
        response: { 200: pageOf(Delivery) },
      }, 'NOT_FOUND'),
    },
    async (request) => {
      const endpoint = await endpointOf(request);
      const query = request.query as { limit?: number; cursor?: string };
      return deps.repos.webhookDeliveries.list({ endpoint_id: endpoint.id }, { limit: query.limit ?? 50, cursor: query.cursor });
    },
  );
}
