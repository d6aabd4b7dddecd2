import { Type } from 'typebox';
import { TASKS, type TaskName } from '../../../providers/task-schemas.js';
import type { Deps } from '../../deps.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, IdParams, closed, errorResponses } from '../common-schemas.js';
import { requireTenant } from './require-tenant.js';
import { ROLES } from './roles.js';

export function registerCacheRoutes(app: App, deps: Deps): void {
  app.post(
    '/cache/purge',
    {
      config: { roles: ROLES.manage, audit: 'cache.purged' },
      schema: {
        tags: ['admin'],
        summary:
          "Make cached answers unreachable on every instance: one tenant's (optionally one task), or everyone's when no tenant is given.",
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            tenant_id: Type.Optional(IdParams.properties.id),
            task: Type.Optional(Type.Union(TASKS.map((t) => Type.Literal(t)))),
          },
          closed,
        ),
        response: { 200: Type.Object({ purged: Type.Boolean() }), ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      const { tenant_id: tenantId, task } = request.body;
      if (tenantId) await requireTenant(deps.repos.tenants, tenantId);
      await deps.cache.purge({ tenantId, task: task as TaskName | undefined });
      request.auditTarget = { type: 'cache', id: tenantId ?? null, tenant_id: tenantId ?? null, diff: { task: task ?? null } };
      return { purged: true };
    },
  );
}
