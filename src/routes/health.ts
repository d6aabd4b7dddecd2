import { Type } from 'typebox';
import type { Deps } from '../deps.js';
import type { App } from '../http/app-type.js';

const Health = Type.Object({ status: Type.String(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

export function registerHealthRoutes(app: App, deps: Deps): void {
  app.get(
    '/health/live',
    { schema: { tags: ['operations'], summary: 'The process is up.', response: { 200: Health } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['operations'],
        summary:
          'The gateway can serve: storage and Redis (when configured) answer, Vault secrets (when configured) are loaded. 503 until then, and 503 `draining` once it is shutting down.',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      // Still serving, but on the way out: the load balancer should send new requests elsewhere.
      if (deps.lifecycle.draining) return reply.code(503).send({ status: 'draining' });
      const checks: Record<string, string> = {};
      try {
        await deps.repos.ping();
        checks.storage = 'ok';
      } catch {
        checks.storage = 'unavailable';
      }
      if (deps.redis) {
        try {
          await deps.redis.ping();
          checks.redis = 'ok';
        } catch {
          checks.redis = 'unavailable';
        }
      }
      if (deps.secrets) checks.secrets = deps.secrets.ready ? 'ok' : 'loading';
      const ready = Object.values(checks).every((c) => c === 'ok');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
    },
  );
}
