import { Type } from 'typebox';
import { QUOTA_NAMES, type TenantQuota } from '../../../repositories/types.js';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, IdParams, closed, errorResponses } from '../common-schemas.js';
import { Tenant } from './admin-schemas.js';
import { requireTenant } from './require-tenant.js';
import { ROLES } from './roles.js';

const Limit = Type.Union([Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()]);

export const QuotaBody = Type.Object(
  Object.fromEntries(QUOTA_NAMES.map((n) => [n, Type.Optional(Limit)])) as Record<(typeof QUOTA_NAMES)[number], ReturnType<typeof Type.Optional<typeof Limit>>>,
  { ...closed, description: 'Any of the limits; null removes one, absent leaves it as it is.' },
);

export function registerQuotaRoutes(app: App, deps: Deps): void {
  app.put(
    '/tenants/:id/quota',
    {
      config: { roles: ROLES.manage, audit: 'tenant.quota_updated' },
      schema: {
        tags: ['billing'],
        summary:
          "Set a tenant's quotas: requests per minute and ingested events per minute (rate limits), requests per UTC day and per calendar month, tokens and cost per month.",
        security: [{ bearer: [] }],
        params: IdParams,
        body: QuotaBody,
        response: { 200: Tenant, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND', 'QUOTA_STORE_UNAVAILABLE') },
      },
    },
    async (request) => {
      const before = await requireTenant(deps.repos.tenants, request.params.id);
      const quota: TenantQuota = { ...before.quota };
      for (const [name, value] of Object.entries(request.body) as [keyof TenantQuota, number | null][]) {
        if (value === null) delete quota[name];
        else quota[name] = value;
      }
      const tenant = await deps.repos.tenants.update(before.id, { quota });
      if (!tenant) throw new GatewayError('NOT_FOUND', 'Tenant not found.');
      await deps.keys.tenantChanged(tenant.id);
      await deps.quotas.reset(tenant.id);
      request.auditTarget = { type: 'tenant', id: tenant.id, tenant_id: tenant.id, diff: { before: before.quota, after: tenant.quota } };
      return tenant;
    },
  );
}
