import type { Deps } from '../../deps.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, IdParams, errorResponses } from '../common-schemas.js';
import { UsageQuery, UsageReport, usageReport } from '../usage-query.js';
import { requireTenant } from './require-tenant.js';
import { ROLES } from './roles.js';

export function registerAdminUsageRoutes(app: App, deps: Deps): void {
  app.get(
    '/tenants/:id/usage',
    {
      config: { roles: ROLES.read },
      schema: {
        tags: ['billing'],
        summary: "A tenant's usage from the ledger, grouped by day, task, provider or key.",
        security: [{ bearer: [] }],
        params: IdParams,
        querystring: UsageQuery,
        response: { 200: UsageReport, ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      const tenant = await requireTenant(deps.repos.tenants, request.params.id);
      return usageReport(deps.repos.usage, tenant.id, request.query, deps.clock());
    },
  );
}
