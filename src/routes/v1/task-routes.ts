import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { TASKS, taskDescriptor, type TaskInput } from '../../tasks/index.js';
import { TaskMeta, TaskOptions } from '../../tasks/task-envelope.js';
import { tenantOf } from '../../../middleware/authenticate.js';
import type { ClientWatch } from '../../dispatch.js';
import type { Deps } from '../../deps.js';
import type { App } from '../../http/app-type.js';
import { TENANT_AUTH_ERRORS, TENANT_SECURITY, closed, errorResponses } from '../common-schemas.js';

/** Tells the dispatcher when the client disconnects before the answer is written, so upstream calls stop too. */
function watchClient(reply: FastifyReply): ClientWatch {
  return (gone) => {
    if (reply.raw.destroyed) {
      gone();
      return () => {};
    }
    const onClose = () => {
      if (!reply.raw.writableFinished) gone();
    };
    reply.raw.once('close', onClose);
    return () => reply.raw.removeListener('close', onClose);
  };
}

export function registerTaskRoutes(app: App, deps: Deps): void {
  for (const task of TASKS) {
    const { input, result, summary } = taskDescriptor(task);
    const Body = Type.Object({ ...input.properties, options: Type.Optional(TaskOptions) }, closed);
    const Answer = Type.Object({ ...result.properties, meta: TaskMeta });
    app.post(
      `/${task}`,
      {
        config: { scope: task },
        schema: {
          tags: ['tasks'],
          summary,
          security: TENANT_SECURITY,
          body: Body,
          response: {
            200: Answer,
            ...errorResponses(...TENANT_AUTH_ERRORS, 'QUOTA_EXCEEDED', 'QUOTA_STORE_UNAVAILABLE', 'UPSTREAM_CIRCUIT_OPEN', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_OPTION', 'NOT_FOUND', 'PROVIDER_ERROR', 'NO_PROVIDER_AVAILABLE', 'PROVIDER_TIMEOUT'),
          },
        },
      },
      async (request, reply) => {
        const startedAt = performance.now();
        const { tenant, key } = tenantOf(request);
        const { options, ...taskInput } = request.body as TaskInput & { options?: TaskOptions };
        const answer = await deps.pipeline.answer({
          task,
          input: taskInput,
          options: options ?? {},
          tenant,
          keyId: key.id,
          requestId: request.id,
          watchClient: watchClient(reply),
          startedAt,
          log: request.log,
        });
        void reply.header('x-gateway-provider', answer.meta.provider).header('x-gateway-cache', answer.cacheStatus);
        return { ...answer.result, meta: answer.meta };
      },
    );
  }
}
