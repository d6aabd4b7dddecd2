import { Type } from 'typebox';
import { tenantOf } from '../../../middleware/authenticate.js';
import type { Deps } from '../../deps.js';
import type { App } from '../../http/app-type.js';
import { TENANT_AUTH_ERRORS, TENANT_SECURITY } from '../common-schemas.js';
import { registerEndpointRoutes } from '../webhooks/endpoint-routes.js';

/** The caller's own webhook endpoints (tenant keys with the `webhooks` scope). */
export function registerWebhookRoutes(app: App, deps: Deps): void {
  registerEndpointRoutes(app, deps, {
    base: '/webhooks',
    params: Type.Object({}),
    tenant: async (request) => tenantOf(request).tenant.id,
    read: { scope: 'webhooks' },
    write: () => ({ scope: 'webhooks' }),
    tags: ['webhooks'],
    security: TENANT_SECURITY,
    authErrors: TENANT_AUTH_ERRORS,
  });
}
