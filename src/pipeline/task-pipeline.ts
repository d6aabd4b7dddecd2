import { randomUUID } from 'node:crypto';
import { modelOf, type Provider } from '../../providers/provider.js';
import type { Tenant } from '../../repositories/types.js';
import { estimateUsage } from '../billing/estimate.js';
import type { LedgerWriter } from '../billing/ledger-writer.js';
import type { QuotaService } from '../billing/quota-service.js';
import type { CacheMode, CacheStatus, TaskCache } from '../cache/task-cache.js';
import type { Config } from '../config.js';
import type { ClientWatch, DispatchResult, TaskDispatcher } from '../dispatch.js';
import { toGatewayError } from '../http/error-handler.js';
import type { GatewayObserver } from '../observability/observer.js';
import { taskDescriptor, type TaskInput, type TaskName, type TaskResult } from '../tasks/index.js';
import type { TaskServices } from '../tasks/task-descriptor.js';
import type { TaskMeta, TaskOptions } from '../tasks/task-envelope.js';

/** One task request as a caller (an HTTP route, a test) hands it over, already parsed and schema-checked. */
export interface TaskCall {
  task: TaskName;
  input: TaskInput;
  options: TaskOptions;
  tenant: Tenant;
  keyId: string;
  requestId: string;
  /** Subscribed only when the answer has to be computed: a cache hit needs no abort wiring. */
  watchClient: ClientWatch;
  /** Started when the request arrived: latency is measured from here. */
  startedAt: number;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface TaskAnswer {
  result: TaskResult;
  cacheStatus: CacheStatus;
  meta: TaskMeta;
}

export interface PipelineParts {
  config: Pick<Config, 'pricing' | 'routing'>;
  providers: ReadonlyMap<string, Provider>;
  dispatcher: TaskDispatcher;
  cache: TaskCache;
  quotas: QuotaService;
  ledger: LedgerWriter;
  observer: GatewayObserver;
  webhooks: { taskCompleted(tenantId: string, data: Record<string, unknown>, onError: (err: unknown) => void): void };
  services: TaskServices;
  /** Names the price table in every ledger row. */
  pricingVersion: string;
  clock: () => Date;
}

const sinceMs = (started: number) => Math.round((performance.now() - started) * 100) / 100;

/**
 * The one path a task request takes: the task's own check, quota admission, the answer cache over the provider chain
 * (computed once, for the cache key and the dispatcher alike), then settlement, the ledger row, metrics, the task's
 * `answered` hook and the `task.completed` event. Refused admissions are not finished requests: no row, nothing
 * reserved; every other outcome is metered before the caller answers.
 */
export class TaskPipeline {
  constructor(private readonly parts: PipelineParts) {}

  async answer(call: TaskCall): Promise<TaskAnswer> {
    const { parts } = this;
    const descriptor = taskDescriptor(call.task);
    descriptor.check?.(call.input);
    const reservation = await parts.quotas.admit(call.tenant, () => estimateUsage(parts.config, parts.providers, call.task, call.input));
    let computed: { out: DispatchResult; status: CacheStatus };
    try {
      computed = await this.compute(call, call.options.cache ?? 'use');
    } catch (err) {
      this.record(call, toGatewayError(err).statusCode);
      parts.quotas.settle(reservation, { tokens: 0, costMicros: 0 });
      throw err;
    }
    const { out, status } = computed;
    const usage = { ...out.usage, cost_micros: out.cost_micros };
    this.record(call, 200, out);
    parts.observer.usage(call.task, out.provider, call.tenant.id, out.usage.input_tokens, out.usage.output_tokens, out.cost_micros);
    descriptor.answered?.(parts.services, { tenantId: call.tenant.id, requestId: call.requestId, input: call.input });
    parts.webhooks.taskCompleted(
      call.tenant.id,
      { request_id: call.requestId, task: call.task, provider: out.provider, model: out.model, cached: status === 'HIT', usage },
      (err) => call.log.warn({ err }, 'task.completed event not made'),
    );
    parts.quotas.settle(reservation, { tokens: out.usage.input_tokens + out.usage.output_tokens, costMicros: out.cost_micros });
    call.log.info({ task: call.task, provider: out.provider, attempts: out.attempts }, 'task answered');
    return {
      result: out.result,
      cacheStatus: status,
      meta: { request_id: call.requestId, provider: out.provider, model: out.model, cached: status === 'HIT', latency_ms: sinceMs(call.startedAt), usage },
    };
  }

  /** The answer from the cache or the provider chain, unmetered: cache warming uses it directly. */
  compute(call: Pick<TaskCall, 'task' | 'input' | 'options' | 'tenant' | 'requestId' | 'watchClient'>, mode: CacheMode) {
    const { dispatcher, cache } = this.parts;
    const chain = dispatcher.chainFor(call.task, call.tenant, call.options.providers);
    const models = chain.map((p) => `${p.name}:${modelOf(p, call.task)}`);
    const key = { tenantId: call.tenant.id, task: call.task, models, input: call.input, options: { providers: call.options.providers } };
    return cache.run(key, mode, () => dispatcher.run({ ...call, chain }));
  }

  private record(call: TaskCall, status: number, out?: DispatchResult): void {
    this.parts.ledger.append({
      event_id: `use_${randomUUID().replaceAll('-', '')}`,
      tenant_id: call.tenant.id,
      key_id: call.keyId,
      request_id: call.requestId,
      task: call.task,
      provider: out?.provider ?? null,
      model: out?.model ?? null,
      status,
      input_tokens: out?.usage.input_tokens ?? 0,
      output_tokens: out?.usage.output_tokens ?? 0,
      latency_ms: sinceMs(call.startedAt),
      unit_price: out?.unit_price ?? {},
      cost_micros: out?.cost_micros ?? 0,
      pricing_version: this.parts.pricingVersion,
      occurred_at: this.parts.clock(),
    });
  }
}
