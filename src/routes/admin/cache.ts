import { Type } from 'typebox';
import { randomUUID } from 'node:crypto';
import { Value } from 'typebox/value';
import { TASKS, taskDescriptor, type TaskInput, type TaskName } from '../../tasks/index.js';
import { NO_CLIENT } from '../../dispatch.js';
import { toGatewayError } from '../../http/error-handler.js';
import type { Deps } from '../../deps.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, IdParams, closed, errorResponses } from '../common-schemas.js';

/** Warming runs the inputs one by one: it must not crowd out live traffic. */
const MAX_WARM_INPUTS = 500;
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

  app.post(
    '/cache/warm',
    {
      config: { roles: ROLES.manage, audit: 'cache.warmed' },
      schema: {
        tags: ['admin'],
        summary: "Compute and cache a tenant's answers for a list of task inputs (each as the task's request body, without options).",
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            tenant_id: IdParams.properties.id,
            task: Type.Union(TASKS.map((t) => Type.Literal(t))),
            inputs: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1, maxItems: MAX_WARM_INPUTS }),
          },
          closed,
        ),
        response: {
          200: Type.Object({
            warmed: Type.Integer(),
            failed: Type.Array(Type.Object({ index: Type.Integer(), code: Type.String() })),
          }),
          ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const tenant = await requireTenant(deps.repos.tenants, request.body.tenant_id);
      const task = request.body.task as TaskName;
      const failed: { index: number; code: string }[] = [];
      let warmed = 0;
      for (const [index, input] of request.body.inputs.entries()) {
        if (!Value.Check(taskDescriptor(task).input, input)) {
          failed.push({ index, code: 'VALIDATION_FAILED' });
          continue;
        }
        try {
          const requestId = `warm_${randomUUID().replaceAll('-', '')}`;
          await deps.pipeline.compute({ task, input: input as TaskInput, tenant, requestId, options: {}, watchClient: NO_CLIENT }, 'refresh');
          warmed++;
        } catch (err) {
          failed.push({ index, code: toGatewayError(err).code });
        }
      }
      request.auditTarget = { type: 'cache', id: tenant.id, tenant_id: tenant.id, diff: { task, inputs: request.body.inputs.length, warmed } };
      return { warmed, failed };
    },
  );
}
