import { Type } from 'typebox';
import { tenantOf } from '../../../middleware/authenticate.js';
import type { Deps } from '../../deps.js';
import type { App } from '../../http/app-type.js';
import { TENANT_AUTH_ERRORS, TENANT_SECURITY, Nullable, errorResponses } from '../common-schemas.js';


export function registerQuotaStatusRoutes(app: App, deps: Deps): void {
  app.get(
    '/quota',
    {
      config: { scope: 'usage' },
      schema: {
        tags: ['billing'],
        summary: "The caller's own quotas: limit, used, remaining and when each resets (UTC).",
        security: TENANT_SECURITY,
        response: {
          200: Type.Object({
            quotas: Type.Array(
              Type.Object({
                name: Type.String(),
                limit: Type.Integer(),
                used: Nullable(Type.Integer()),
                remaining: Nullable(Type.Integer()),
                resets_at: Nullable(Type.String({ format: 'date-time' })),
              }),
            ),
          }),
          ...errorResponses(...TENANT_AUTH_ERRORS, 'QUOTA_STORE_UNAVAILABLE'),
        },
      },
    },
    async (request) => ({ quotas: await deps.quotas.status(tenantOf(request).tenant) }),
  );
}
