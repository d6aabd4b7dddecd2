import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import underPressure from '@fastify/under-pressure';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type RawServerDefault } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { adminAuth, signedAuth, tenantAuth } from '../middleware/authenticate.js';
import { globalIpFilter } from '../middleware/ip-filter.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { auditAdminMutations } from './audit/audit-hook.js';
import type { Deps } from './deps.js';
import type { App } from './http/app-type.js';
import { GatewayError } from './errors.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { jsonBodyParser } from './http/json-body.js';
import { validatorCompiler } from './http/validators.js';
import { openApiOptions } from './openapi.js';
import { registerAdminKeyRoutes } from './routes/admin/admin-keys.js';
import { registerAuditRoutes } from './routes/admin/audit.js';
import { registerIpRuleRoutes } from './routes/admin/ip-rules.js';
import { registerKeyRoutes } from './routes/admin/keys.js';
import { registerTenantRoutes } from './routes/admin/tenants.js';
import { ErrorResponse } from './routes/common-schemas.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { recordRequestMetrics } from './observability/request-metrics.js';
import { registerEventRoutes } from './routes/v1/events.js';
import { registerFeedbackRoutes } from './routes/v1/feedback.js';
import { registerItemRoutes } from './routes/v1/items.js';
import { registerTaskRoutes } from './routes/v1/task-routes.js';
import { registerUsageRoutes } from './routes/v1/usage.js';
import { registerQuotaStatusRoutes } from './routes/v1/quota.js';
import { registerQuotaRoutes } from './routes/admin/quota.js';
import { registerRecommendationRoutes } from './routes/admin/recommendations.js';
import { registerUsageExportRoutes } from './routes/admin/usage-export.js';
import { registerInvoiceRoutes } from './routes/admin/invoices.js';
import { registerCacheRoutes } from './routes/admin/cache.js';
import { registerProviderRoutes } from './routes/admin/providers.js';
import { registerAdminUsageRoutes } from './routes/admin/usage.js';
import { registerTaxonomyRoutes } from './routes/admin/taxonomies.js';
import { registerKnowledgeBaseRoutes } from './routes/admin/knowledge-base.js';
import { registerAdminWebhookRoutes } from './routes/admin/webhooks.js';
import { registerWebhookRoutes } from './routes/v1/webhooks.js';

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : `req_${randomUUID().replaceAll('-', '')}`;
}

/** Builds the app without listening: plugins → error handling → scopes → routes, in that order. */
export async function buildApp(deps: Deps, logger: FastifyBaseLogger): Promise<App> {
  const app = Fastify<RawServerDefault, IncomingMessage>({
    loggerInstance: logger,
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: deps.config.server.bodyLimitBytes,
    http: { maxHeaderSize: deps.config.server.maxHeaderBytes },
    trustProxy: deps.config.server.trustProxy.length > 0 ? [...deps.config.server.trustProxy] : false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // While closing, requests already on open connections are answered as usual (each closing its connection): a 503
    // would refuse work whose bytes reached the gateway before the stop, in a body outside the contract.
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true },
    // Requests the router cannot even read (malformed percent-escapes in the path) answer in the contract's envelope.
    frameworkErrors: (err, request, reply) => {
      void reply.header('x-request-id', request.id);
      errorHandler(err.code === 'FST_ERR_BAD_URL' ? new GatewayError('VALIDATION_FAILED', 'The URL path is not valid percent-encoded UTF-8.') : err, request, reply);
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.addSchema(ErrorResponse);
  app.setValidatorCompiler(validatorCompiler([ErrorResponse]));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.decorateRequest('principal', null);
  app.decorateRequest('auditTarget', null);
  app.decorateRequest('errorCode', null);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    jsonBodyParser(app.getDefaultJsonParser('error', 'error')),
  );
  // First of all hooks: refused addresses learn nothing else.
  app.addHook('onRequest', globalIpFilter(deps.ipRules));
  // Once draining or closing, answers end their keep-alive connection: clients reconnect through the load balancer to
  // another instance, and the server can finish closing as soon as in-flight requests are answered instead of waiting
  // on idle sockets until the grace period runs out.
  app.addHook('preClose', async () => {
    deps.lifecycle.draining = true;
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (deps.lifecycle.draining) void reply.header('connection', 'close');
  });
  app.addHook('onResponse', recordRequestMetrics(deps.metrics));

  if (deps.config.loadShedding.maxEventLoopDelayMs > 0) {
    const { maxEventLoopDelayMs, sampleIntervalMs } = deps.config.loadShedding;
    // The first samples after start-up measure start-up (schema compilation, model loading), not load.
    let measuringLoadFrom = Infinity;
    app.addHook('onReady', async () => {
      measuringLoadFrom = Date.now() + 2 * sampleIntervalMs;
    });
    await app.register(underPressure, {
      maxEventLoopDelay: maxEventLoopDelayMs,
      sampleInterval: sampleIntervalMs,
      // Shed work, not health checks: a load balancer must still see the process alive.
      pressureHandler: async (request) => {
        if (request.url.startsWith('/health/') || Date.now() < measuringLoadFrom) return;
        throw new GatewayError('OVERLOADED', 'The gateway is overloaded; try again shortly.', { headers: { 'retry-after': '1' } });
      },
    });
  }
  await app.register(swagger, openApiOptions());
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerHealthRoutes(app, deps);
  await app.register(async (scope) => {
    scope.addHook('onRequest', adminAuth(deps));
    registerMetricsRoute(scope as App, deps.metrics);
  });
  await app.register(
    async (v1) => {
      // Authentication (bearer before the body, signed with it), then the rate limit: each in one hook.
      v1.addHook('onRequest', tenantAuth(deps));
      v1.addHook('preParsing', signedAuth({ ...deps, bodyLimitBytes: deps.config.server.bodyLimitBytes }));
      v1.addHook('preParsing', rateLimit(deps.config.rateLimits, deps.rateLimits, () => deps.metrics.rateLimitRejection()));
      registerTaskRoutes(v1 as App, deps);
      registerEventRoutes(v1 as App, deps);
      registerItemRoutes(v1 as App, deps);
      registerFeedbackRoutes(v1 as App, deps);
      registerUsageRoutes(v1 as App, deps);
      registerQuotaStatusRoutes(v1 as App, deps);
      registerWebhookRoutes(v1 as App, deps);
    },
    { prefix: '/v1' },
  );
  await app.register(
    async (admin) => {
      admin.addHook('onRoute', (route) => {
        // Deny by default is not enough for an admin API: a route without declared roles is a bug caught at boot.
        if (!route.config?.roles) throw new Error(`admin route ${route.method} ${route.url} declares no roles`);
        const mutating = [route.method].flat().some((m) => m !== 'GET' && m !== 'HEAD');
        if (mutating && !route.config.audit) throw new Error(`admin route ${route.method} ${route.url} declares no audit action`);
      });
      admin.addHook('onRequest', adminAuth(deps));
      admin.addHook('onSend', auditAdminMutations(deps.audit));
      registerTenantRoutes(admin as App, deps);
      registerIpRuleRoutes(admin as App, deps);
      registerKeyRoutes(admin as App, deps);
      registerAdminKeyRoutes(admin as App, deps);
      registerAuditRoutes(admin as App, deps);
      registerAdminUsageRoutes(admin as App, deps);
      registerQuotaRoutes(admin as App, deps);
      registerRecommendationRoutes(admin as App, deps);
      registerUsageExportRoutes(admin as App, deps);
      registerInvoiceRoutes(admin as App, deps);
      registerCacheRoutes(admin as App, deps);
      registerProviderRoutes(admin as App, deps);
      registerTaxonomyRoutes(admin as App, deps);
      registerKnowledgeBaseRoutes(admin as App, deps);
      registerAdminWebhookRoutes(admin as App, deps);
    },
    { prefix: '/admin' },
  );
  return app;
}
