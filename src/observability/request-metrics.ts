import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayMetrics } from './metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The catalogue code of the error answer, set by the error handler (for metrics). */
    errorCode: string | null;
  }
}

/** onResponse hook: one observation per answered request, by route template (never the raw URL) and status. */
export function recordRequestMetrics(metrics: GatewayMetrics) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const route = request.routeOptions.url ?? 'unmatched';
    const principal = request.principal;
    metrics.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000, principal?.kind === 'tenant' ? principal.tenant.id : undefined);
    if (request.errorCode) metrics.error(request.errorCode);
  };
}
