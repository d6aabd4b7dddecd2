import { Type } from 'typebox';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { AUTH_ERRORS, closed, errorResponses } from '../common-schemas.js';
import { ROLES } from './roles.js';

const Breaker = Type.Object({
  provider: Type.String(),
  model: Type.String(),
  state: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half_open')]),
  calls: Type.Integer({ description: 'in the rolling window' }),
  failures: Type.Integer(),
  error_rate: Type.Number(),
  latency_ms: Type.Object({ p50: Type.Number(), p95: Type.Number(), p99: Type.Number() }),
  retry_after_ms: Type.Union([Type.Integer(), Type.Null()]),
});

export function registerProviderRoutes(app: App, deps: Deps): void {
  app.get(
    '/providers',
    {
      config: { roles: ROLES.read },
      schema: {
        tags: ['admin'],
        summary: 'Configured providers and, per provider and model called so far, the circuit state, error rate and latency.',
        security: [{ bearer: [] }],
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                name: Type.String(),
                kind: Type.String(),
                tasks: Type.Array(Type.String()),
                load: Type.Union([Type.Object({ in_flight: Type.Integer(), queued: Type.Integer() }), Type.Null()]),
                breakers: Type.Array(Breaker),
              }),
            ),
          }),
          ...errorResponses(...AUTH_ERRORS),
        },
      },
    },
    async () => {
      const status = deps.breakers.status();
      const load = deps.dispatcher.load();
      return {
        data: [...deps.providers.values()].map((p) => ({
          name: p.name,
          kind: p.kind,
          tasks: [...p.tasks],
          load: load[p.name] ?? null,
          breakers: status.filter((b) => b.provider === p.name),
        })),
      };
    },
  );

  app.post(
    '/providers/:name/reset',
    {
      config: { roles: ROLES.manage, audit: 'provider.reset' },
      schema: {
        tags: ['admin'],
        summary: "Close a provider's circuit breakers now (after fixing the cause), instead of waiting for the probe.",
        security: [{ bearer: [] }],
        params: Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }) }, closed),
        response: { 200: Type.Object({ reset: Type.Boolean() }), ...errorResponses(...AUTH_ERRORS, 'NOT_FOUND') },
      },
    },
    async (request) => {
      if (!deps.providers.has(request.params.name)) throw new GatewayError('NOT_FOUND', 'No such provider.');
      request.auditTarget = { type: 'provider', id: null, diff: { provider: request.params.name } };
      return { reset: deps.breakers.reset(request.params.name) };
    },
  );
}
