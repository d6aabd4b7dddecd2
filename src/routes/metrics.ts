import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { App } from '../http/app-type.js';
import { AUTH_ERRORS, errorResponses } from './common-schemas.js';
import { ROLES } from './admin/roles.js';

/** GET /metrics on the main listener: any admin role may scrape (every role may read). */
export function registerMetricsRoute(app: App, metrics: GatewayMetrics): void {
  app.get(
    '/metrics',
    {
      config: { roles: ROLES.read },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format). Needs an admin key of any role; METRICS_PORT serves them without one on a separate listener.',
        security: [{ bearer: [] }],
        produces: ['text/plain'],
        response: { 200: { type: 'string', description: 'Prometheus text format 0.0.4' }, ...errorResponses(...AUTH_ERRORS, 'IP_NOT_ALLOWED') },
      },
    },
    metricsHandler(metrics),
  );
}

export function metricsHandler(metrics: GatewayMetrics) {
  return async (_request: FastifyRequest, reply: FastifyReply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  };
}
