import { tenantOf } from '../../../middleware/authenticate.js';
import type { Deps } from '../../deps.js';
import type { App } from '../../http/app-type.js';
import { TENANT_AUTH_ERRORS, TENANT_SECURITY, errorResponses } from '../common-schemas.js';
import { UsageQuery, UsageReport, usageReport } from '../usage-query.js';

export function registerUsageRoutes(app: App, deps: Deps): void {
  app.get(
    '/usage',
    {
      config: { scope: 'usage' },
      schema: {
        tags: ['billing'],
        summary: "The caller's own usage from the ledger, grouped by day, task, provider or key (default: this month by day).",
        security: TENANT_SECURITY,
        querystring: UsageQuery,
        response: { 200: UsageReport, ...errorResponses(...TENANT_AUTH_ERRORS) },
      },
    },
    async (request) => usageReport(deps.repos.usage, tenantOf(request).tenant.id, request.query, deps.clock()),
  );
}
