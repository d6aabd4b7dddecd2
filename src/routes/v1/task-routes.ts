import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { TASK_SCHEMAS, type TaskInput, type TaskName } from '../../../providers/task-schemas.js';
import { tenantOf } from '../../../middleware/authenticate.js';
import { estimateUsage } from '../../billing/estimate.js';
import { cachedDispatch } from '../../cache/cached-dispatch.js';
import type { CacheMode, CacheStatus } from '../../cache/task-cache.js';
import type { ClientWatch, DispatchResult } from '../../dispatch.js';
import type { Deps } from '../../deps.js';
import { GatewayError } from '../../errors.js';
import type { App } from '../../http/app-type.js';
import { toGatewayError } from '../../http/error-handler.js';
import type { TenantScope } from '../../keys/key-service.js';
import { TENANT_AUTH_ERRORS, TENANT_SECURITY, closed, errorResponses } from '../common-schemas.js';

export const TaskOptions = Type.Object(
  {
    providers: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }), { minItems: 1, maxItems: 16, uniqueItems: true, description: 'Providers to try, in order, within what the tenant may use.' }),
    ),
    cache: Type.Optional(Type.Union([Type.Literal('use'), Type.Literal('bypass'), Type.Literal('refresh')])),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000, description: 'Deadline for the whole request.' })),
  },
  closed,
);

export const TaskMeta = Type.Object({
  request_id: Type.String(),
  provider: Type.String(),
  model: Type.String(),
  cached: Type.Boolean(),
  latency_ms: Type.Number(),
  usage: Type.Object({ input_tokens: Type.Integer(), output_tokens: Type.Integer(), cost_micros: Type.Integer() }),
});

interface TaskRouteSpec {
  task: TaskName;
  path: string;
  summary: string;
  check?: (input: TaskInput) => void;
  /** After a successful answer, off the response path. */
  answered?: (deps: Deps, tenantId: string, requestId: string, input: TaskInput) => void;
}

const TASK_ROUTES: TaskRouteSpec[] = [
  { task: 'sentiment', path: '/sentiment', summary: 'Sentiment of a text (positive, negative, neutral) with a score from -1 to 1.' },
  {
    task: 'categorize',
    path: '/categorize',
    summary: "Category (and support intent) of a text: the support taxonomy, one of the tenant's trained taxonomies, or zero-shot `labels`.",
    // Feedback on a tenant-taxonomy answer teaches that taxonomy: keep the text to learn from.
    answered: (deps, tenantId, requestId, input) => {
      const { text, taxonomy, labels } = input as TaskInput<'categorize'>;
      if (taxonomy && taxonomy !== 'support' && !labels) deps.taxonomies.rememberInput(tenantId, requestId, taxonomy, text);
    },
  },
  { task: 'smart-response', path: '/smart-response', summary: 'A reply to a customer message, with intent, sentiment and an escalation prediction.' },
  {
    task: 'recommendations',
    path: '/recommendations',
    summary: 'Items for a user or similar to an item, from the ingested events.',
    check: (input) => {
      const { user_id, item_id } = input as TaskInput<'recommendations'>;
      if (!user_id && !item_id) {
        throw new GatewayError('VALIDATION_FAILED', 'Give user_id, item_id or both.', { details: { issues: [{ field: 'body.user_id', message: 'user_id or item_id is required' }] } });
      }
    },
  },
];

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
  for (const spec of TASK_ROUTES) {
    const { input, result } = TASK_SCHEMAS[spec.task];
    const Body = Type.Object({ ...input.properties, options: Type.Optional(TaskOptions) }, closed);
    const Answer = Type.Object({ ...result.properties, meta: TaskMeta });
    app.post(
      spec.path,
      {
        config: { scope: spec.task as TenantScope },
        schema: {
          tags: ['tasks'],
          summary: spec.summary,
          security: TENANT_SECURITY,
          body: Body,
          response: {
            200: Answer,
            ...errorResponses(...TENANT_AUTH_ERRORS, 'QUOTA_EXCEEDED', 'QUOTA_STORE_UNAVAILABLE', 'UPSTREAM_CIRCUIT_OPEN', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_OPTION', 'NOT_FOUND', 'PROVIDER_ERROR', 'NO_PROVIDER_AVAILABLE', 'PROVIDER_TIMEOUT'),
          },
        },
      },
      async (request, reply) => {
        const started = performance.now();
        const { tenant, key } = tenantOf(request);
        const { options, ...taskInput } = request.body as TaskInput & { options?: { providers?: string[]; timeout_ms?: number; cache?: CacheMode } };
        const record = (status: number, out?: DispatchResult) =>
          deps.ledger.append({
            event_id: `use_${randomUUID().replaceAll('-', '')}`,
            tenant_id: tenant.id,
            key_id: key.id,
            request_id: request.id,
            task: spec.task,
            provider: out?.provider ?? null,
            model: out?.model ?? null,
            status,
            input_tokens: out?.usage.input_tokens ?? 0,
            output_tokens: out?.usage.output_tokens ?? 0,
            latency_ms: Math.round((performance.now() - started) * 100) / 100,
            unit_price: out?.unit_price ?? {},
            cost_micros: out?.cost_micros ?? 0,
            pricing_version: deps.pricingVersion,
            occurred_at: deps.clock(),
          });
        spec.check?.(taskInput);
        // Refused admissions are not finished requests: no ledger row, nothing reserved.
        const reservation = await deps.quotas.admit(tenant, () => estimateUsage(deps.config, deps.providers, spec.task, taskInput));
        let out: DispatchResult;
        let cacheStatus: CacheStatus;
        try {
          ({ out, status: cacheStatus } = await cachedDispatch(
            deps.dispatcher,
            deps.cache,
            { task: spec.task, input: taskInput, tenant, requestId: request.id, options: options ?? {}, watchClient: watchClient(reply) },
            options?.cache ?? 'use',
          ));
        } catch (err) {
          record(toGatewayError(err).statusCode);
          deps.quotas.settle(reservation, { tokens: 0, costMicros: 0 });
          throw err;
        }
        record(200, out);
        deps.metrics.usage(spec.task, out.provider, tenant.id, out.usage.input_tokens, out.usage.output_tokens, out.cost_micros);
        spec.answered?.(deps, tenant.id, request.id, taskInput);
        deps.webhooks.taskCompleted(
          tenant.id,
          { request_id: request.id, task: spec.task, provider: out.provider, model: out.model, cached: cacheStatus === 'HIT', usage: { ...out.usage, cost_micros: out.cost_micros } },
          (err) => request.log.warn({ err }, 'task.completed event not made'),
        );
        deps.quotas.settle(reservation, { tokens: out.usage.input_tokens + out.usage.output_tokens, costMicros: out.cost_micros });
        request.log.info({ task: spec.task, provider: out.provider, attempts: out.attempts }, 'task answered');
        void reply.header('x-gateway-provider', out.provider).header('x-gateway-cache', cacheStatus);
        return {
          ...out.result,
          meta: {
            request_id: request.id,
            provider: out.provider,
            model: out.model,
            cached: cacheStatus === 'HIT',
            latency_ms: Math.round((performance.now() - started) * 100) / 100,
            usage: { ...out.usage, cost_micros: out.cost_micros },
          },
        };
      },
    );
  }
}
