import { Type } from 'typebox';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, IdParams, PageQuery, closed, errorResponses, pageOf } from '../common-schemas.js';
import { Metadata, PlanName, ProviderList, Tenant } from './admin-schemas.js';
import { requireTenant } from './require-tenant.js';
import { ROLES } from './roles.js';

export function registerTenantRoutes(app: App, deps: Deps): void {
  const checkProviders = (names: string[] | null | undefined) => {
    const unknown = (names ?? []).filter((n) => !deps.providers.has(n));
    if (unknown.length > 0) {
      throw new GatewayError('VALIDATION_FAILED', `Unknown provider: ${unknown.join(', ')}.`, {
        details: { issues: [{ field: 'body.allowed_providers', message: `not configured: ${unknown.join(', ')}` }] },
      });
    }
  };

  const checkPlan = (plan: string | null | undefined) => {
    if (plan && !deps.config.plans[plan]) {
      throw new GatewayError('VALIDATION_FAILED', `Unknown plan: ${plan}.`, { details: { issues: [{ field: 'body.plan', message: 'not configured' }] } });
    }
  };

  app.post(
    '/tenants',
    {
      config: { roles: ROLES.manage, audit: 'tenant.created' },
      schema: {
        tags: ['admin'],
        summary: 'Create a tenant.',
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            allowed_providers: Type.Optional(Type.Union([ProviderList, Type.Null()])),
            metadata: Type.Optional(Metadata),
            plan: Type.Optional(PlanName),
          },
          closed,
        ),
        response: { 201: Tenant, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      checkProviders(request.body.allowed_providers);
      checkPlan(request.body.plan);
      const tenant = await deps.repos.tenants.create(request.body);
      request.auditTarget = { type: 'tenant', id: tenant.id, tenant_id: tenant.id, diff: { after: tenant } };
      return reply.code(201).send(tenant);
    },
  );

  app.get(
    '/tenants',
    {
      config: { roles: ROLES.read },
      schema: {
        tags: ['admin'],
        summary: 'List tenants, oldest first.',
        security: [{ bearer: [] }],
        querystring: PageQuery,
        response: { 200: pageOf(Tenant), ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request) => deps.repos.tenants.list({ limit: request.query.limit ?? 50, cursor: request.query.cursor }),
  );

  app.get(
    '/tenants/:id',
    {
      config: { roles: ROLES.read },
      schema: {
        tags: ['admin'],
        summary: 'Get a tenant.',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: Tenant, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => requireTenant(deps.repos.tenants, request.params.id),
  );

  app.patch(
    '/tenants/:id',
    {
      config: { roles: ROLES.manage, audit: 'tenant.updated' },
      schema: {
        tags: ['admin'],
        summary: 'Change a tenant: name, status (suspended tenants are refused), allowed providers, metadata.',
        security: [{ bearer: [] }],
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')])),
            allowed_providers: Type.Optional(Type.Union([ProviderList, Type.Null()])),
            metadata: Type.Optional(Metadata),
            plan: Type.Optional(PlanName),
          },
          closed,
        ),
        response: { 200: Tenant, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      checkProviders(request.body.allowed_providers);
      checkPlan(request.body.plan);
      const before = await requireTenant(deps.repos.tenants, request.params.id);
      const tenant = await deps.repos.tenants.update(request.params.id, request.body);
      if (!tenant) throw new GatewayError('NOT_FOUND', 'Tenant not found.');
      await deps.keys.tenantChanged(tenant.id);
      request.auditTarget = { type: 'tenant', id: tenant.id, tenant_id: tenant.id, diff: { before, after: tenant } };
      return tenant;
    },
  );
}
