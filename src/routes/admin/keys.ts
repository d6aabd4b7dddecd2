import { Type } from 'typebox';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, DateTime, IdParams, PageQuery, closed, errorResponses, pageOf } from '../common-schemas.js';
import { ApiKey, IssuedApiKey, Scope } from './admin-schemas.js';
import { requireTenant } from './require-tenant.js';

export function registerKeyRoutes(app: App, deps: Deps): void {
  app.post(
    '/tenants/:id/keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'Issue a tenant key. The key is in `secret`, shown once; only its hash is stored.',
        security: [{ bearer: [] }],
        params: IdParams,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            mode: Type.Optional(Type.Literal('bearer', { description: 'Signed (GW-HMAC-1) keys come with the B2B security release.' })),
            scopes: Type.Optional(Type.Array(Scope, { uniqueItems: true, description: 'empty or absent = every scope' })),
            expires_at: Type.Optional(Type.Union([DateTime, Type.Null()])),
          },
          closed,
        ),
        response: { 201: IssuedApiKey, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const tenant = await requireTenant(deps.repos.tenants, request.params.id);
      const expiresAt = request.body.expires_at ? new Date(request.body.expires_at) : null;
      if (expiresAt && expiresAt <= deps.clock()) {
        throw new GatewayError('VALIDATION_FAILED', 'expires_at must be in the future.', {
          details: { issues: [{ field: 'body.expires_at', message: 'must be in the future' }] },
        });
      }
      const issued = await deps.keys.issueTenantKey(tenant.id, {
        name: request.body.name,
        mode: 'bearer',
        scopes: request.body.scopes ?? [],
        expires_at: expiresAt,
      });
      return reply.code(201).send({ ...issued.record, secret: issued.secret });
    },
  );

  app.get(
    '/tenants/:id/keys',
    {
      schema: {
        tags: ['admin'],
        summary: "List a tenant's keys (never the keys themselves).",
        security: [{ bearer: [] }],
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageOf(ApiKey), ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      await requireTenant(deps.repos.tenants, request.params.id);
      return deps.repos.keys.list({ kind: 'tenant', tenant_id: request.params.id }, { limit: request.query.limit ?? 50, cursor: request.query.cursor });
    },
  );

  app.delete(
    '/keys/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke a key at once. Requests with it get 401 API_KEY_REVOKED within seconds.',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: ApiKey, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      const key = await deps.keys.revoke(request.params.id);
      if (!key) throw new GatewayError('NOT_FOUND', 'Key not found.');
      return key;
    },
  );
}
