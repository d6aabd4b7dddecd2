import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ProviderError, type Provider } from '../../providers/provider.js';
import { MemoryInvalidationBus } from '../../repositories/memory/memory-invalidation-bus.js';
import { MemoryQuotaStore } from '../../repositories/memory/memory-quota-store.js';
import type { Tenant, UsageRecord } from '../../repositories/types.js';
import { LedgerWriter } from '../../src/billing/ledger-writer.js';
import { QuotaService } from '../../src/billing/quota-service.js';
import { TaskCache } from '../../src/cache/task-cache.js';
import { loadConfig } from '../../src/config.js';
import { NO_CLIENT, TaskDispatcher } from '../../src/dispatch.js';
import type { EventBus } from '../../src/events/event-bus.js';
import { GatewayError } from '../../src/errors.js';
import { NO_OBSERVER } from '../../src/observability/observer.js';
import { TaskPipeline, type TaskCall } from '../../src/pipeline/task-pipeline.js';
import { ProviderBreakers } from '../../src/resilience/provider-breakers.js';
import type { TaskInput, TaskName } from '../../src/tasks/index.js';

const log = pino({ level: 'silent' });
const NOW = new Date('2026-12-31T23:59:59Z');

/** An in-process provider that answers sentiment and categorisation, or fails when told to. */
function fakeProvider(behaviour: { fail?: ProviderError['failure'] } = {}) {
  const calls: TaskName[] = [];
  const provider: Provider = {
    name: 'local',
    kind: 'fake',
    inProcess: true,
    tasks: new Set<TaskName>(['sentiment', 'categorize', 'recommendations']),
    async run(task) {
      calls.push(task);
      if (behaviour.fail) throw new ProviderError('local', behaviour.fail, 'told to fail');
      const result = task === 'categorize' ? { category: 'billing', confidence: 0.7, alternatives: [] } : { label: 'positive', score: 0.8, confidence: 0.9, language: 'en' };
      return { result, model: 'fake-1', usage: { input_tokens: 3, output_tokens: 2 } } as never;
    },
  };
  return { provider, calls };
}

function pipelineWith(provider: Provider, quota: Tenant['quota'] = {}) {
  const config = loadConfig({});
  const events = { emit: () => undefined } as unknown as EventBus;
  const providers = new Map([[provider.name, provider]]);
  const dispatcher = new TaskDispatcher(config, providers, new ProviderBreakers(config.breakers, events, () => NOW));
  let chains = 0;
  const chainFor = dispatcher.chainFor.bind(dispatcher);
  dispatcher.chainFor = (...args) => (chains++, chainFor(...args));
  const rows: UsageRecord[] = [];
  const completed: Record<string, unknown>[] = [];
  const remembered: string[] = [];
  const usage = { insertMany: async (r: UsageRecord[]) => rows.push(...r), totalsSince: async () => ({ requests: 0, tokens: 0, cost_micros: 0 }) };
  const ledger = new LedgerWriter(usage, log);
  const pipeline = new TaskPipeline({
    config,
    providers,
    dispatcher,
    cache: new TaskCache({ shared: undefined, bus: new MemoryInvalidationBus(), ttlMs: config.cache.ttlMs, l1MaxBytes: 1 << 20, log, clock: () => NOW }),
    quotas: new QuotaService(new MemoryQuotaStore(() => NOW.getTime()), usage as never, () => NOW, log, events),
    ledger,
    observer: NO_OBSERVER,
    webhooks: { taskCompleted: (_tenant, data) => void completed.push(data) },
    services: { taxonomies: { rememberInput: (_t, requestId) => void remembered.push(requestId) } },
    pricingVersion: 'test-prices',
    clock: () => NOW,
  });
  const tenant: Tenant = { id: 'ten_a', name: 'A', status: 'active', allowed_providers: null, metadata: {}, ip_rules: { allow: [], deny: [] }, quota, plan: null, created_at: NOW };
  let n = 0;
  const call = (task: TaskName, input: TaskInput, options: TaskCall['options'] = {}): TaskCall => ({
    task, input, options, tenant, keyId: 'key_a', requestId: `req_${++n}`, watchClient: NO_CLIENT, startedAt: performance.now(), log,
  });
  const flushed = async () => (await ledger.flush(), rows);
  return { pipeline, call, flushed, completed, remembered, chains: () => chains };
}

describe('the task pipeline, without HTTP', () => {
  it('answers, meters, emits task.completed and caches; the provider chain is computed once per request', async () => {
    const { provider, calls } = fakeProvider();
    const t = pipelineWith(provider);
    const first = await t.pipeline.answer(t.call('sentiment', { text: 'great part' }));
    expect(first).toMatchObject({ result: { label: 'positive' }, cacheStatus: 'MISS', meta: { request_id: 'req_1', provider: 'local', model: 'fake-1', cached: false, usage: { input_tokens: 3, output_tokens: 2 } } });
    const second = await t.pipeline.answer(t.call('sentiment', { text: 'great part' }));
    expect(second.cacheStatus).toBe('HIT');
    expect(calls).toEqual(['sentiment']);
    expect(t.chains()).toBe(2);
    const rows = await t.flushed();
    expect(rows.map((r) => [r.request_id, r.status, r.provider, r.key_id, r.pricing_version])).toEqual([
      ['req_1', 200, 'local', 'key_a', 'test-prices'],
      ['req_2', 200, 'local', 'key_a', 'test-prices'],
    ]);
    expect(t.completed.map((d) => d.cached)).toEqual([false, true]);
  });

  it("runs the task's hooks: the answer completed whoever gave it, a tenant taxonomy's input remembered", async () => {
    const t = pipelineWith(fakeProvider().provider);
    const answer = await t.pipeline.answer(t.call('categorize', { text: 'my invoice', taxonomy: 'returns' }));
    expect(answer.result).toMatchObject({ category: 'billing', confident: true });
    expect(t.remembered).toEqual(['req_1']);
    await t.pipeline.answer(t.call('categorize', { text: 'my invoice' }));
    expect(t.remembered).toEqual(['req_1']);
  });

  it("refuses what the task's check refuses before anything is reserved or metered", async () => {
    const t = pipelineWith(fakeProvider().provider, { requests_per_month: 5 });
    await expect(t.pipeline.answer(t.call('recommendations', { limit: 3 }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await t.flushed()).toEqual([]);
  });

  it('meters a failed answer with its status, and a refused admission not at all', async () => {
    const t = pipelineWith(fakeProvider({ fail: 'bad_request' }).provider, { requests_per_month: 1 });
    const failed = await t.pipeline.answer(t.call('sentiment', { text: 'hello' })).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(GatewayError);
    expect((failed as GatewayError).code).toBe('PROVIDER_ERROR');
    await expect(t.pipeline.answer(t.call('sentiment', { text: 'again' }))).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    const rows = await t.flushed();
    expect(rows.map((r) => [r.request_id, r.status, r.provider])).toEqual([['req_1', (failed as GatewayError).statusCode, null]]);
    expect(t.completed).toEqual([]);
  });

  it('turns a caller-chosen provider the tenant cannot use into UNSUPPORTED_OPTION, metered', async () => {
    const t = pipelineWith(fakeProvider().provider);
    await expect(t.pipeline.answer(t.call('sentiment', { text: 'x' }, { providers: ['nope'] }))).rejects.toMatchObject({ code: 'UNSUPPORTED_OPTION' });
    expect((await t.flushed()).map((r) => r.status)).toEqual([400]);
  });
});
