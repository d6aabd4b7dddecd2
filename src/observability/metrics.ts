import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GatewayObserver } from './observer.js';

/** Seconds: from a cached answer (sub-millisecond) to a slow vendor call. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BREAKER_STATE = { closed: 0, half_open: 1, open: 2 } as const;

/** What the registry reads at scrape time instead of being told on every change. */
export interface MetricSources {
  breakers: () => readonly { provider: string; model: string; state: keyof typeof BREAKER_STATE }[];
  ledgerBacklog: () => number;
  outboxBacklog: () => number;
  recommender: () => { tenants: number; events: number; bytes: number; strategies: ReadonlyMap<string, number> };
}

const NO_SOURCES: MetricSources = { breakers: () => [], ledgerBacklog: () => 0, outboxBacklog: () => 0, recommender: () => ({ tenants: 0, events: 0, bytes: 0, strategies: new Map() }) };

export interface MetricsOptions {
  /** Adds a `tenant` label to request, token and cost series: one series per tenant, so only where tenants are few. */
  tenantLabels: boolean;
}

/**
 * The gateway's Prometheus metrics, one registry per app (tests run several apps in a process). Labels are bounded by
 * configuration (routes, providers, tasks, error codes), never by requests or keys; tenants only when enabled.
 */
export class GatewayMetrics implements GatewayObserver {
  readonly registry = new Registry();
  private readonly tenantLabels: boolean;
  private readonly http: Histogram<'method' | 'route' | 'status_code' | 'tenant'>;
  private readonly attempts: Counter<'provider' | 'task' | 'outcome'>;
  private readonly providerErrors: Counter<'provider' | 'failure'>;
  private readonly attemptSeconds: Histogram<'provider' | 'task' | 'outcome'>;
  private readonly cache: Counter<'level' | 'result'>;
  private readonly rateLimited: Counter;
  private readonly quotaRejected: Counter<'quota'>;
  private readonly errors: Counter<'code'>;
  private readonly tokens: Counter<'task' | 'provider' | 'direction' | 'tenant'>;
  private readonly cost: Counter<'task' | 'provider' | 'tenant'>;
  private readonly webhooks: Counter<'outcome'>;
  private readonly webhookSeconds: Histogram<'outcome'>;

  /** What the gauges read at scrape time: set by `watch` once the parts they read exist. */
  private sources: MetricSources = NO_SOURCES;

  constructor(options: MetricsOptions) {
    const read = () => this.sources;
    this.tenantLabels = options.tenantLabels;
    const registers = [this.registry];
    const tenant = this.tenantLabels ? (['tenant'] as const) : [];
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    this.http = new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'HTTP requests by route template and status.',
      labelNames: ['method', 'route', 'status_code', ...tenant],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.attempts = new Counter({ name: 'gateway_provider_attempts_total', help: 'Provider calls by outcome (ok or the failure).', labelNames: ['provider', 'task', 'outcome'], registers });
    this.providerErrors = new Counter({ name: 'gateway_provider_errors_total', help: 'Failed provider calls by failure.', labelNames: ['provider', 'failure'], registers });
    this.attemptSeconds = new Histogram({
      name: 'gateway_provider_attempt_duration_seconds',
      help: 'Provider call latency.',
      labelNames: ['provider', 'task', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'gateway_circuit_breaker_state',
      help: 'Circuit breaker per provider and model: 0 closed, 1 half open, 2 open.',
      labelNames: ['provider', 'model'],
      registers,
      collect() {
        this.reset();
        for (const b of read().breakers()) this.set({ provider: b.provider, model: b.model }, BREAKER_STATE[b.state]);
      },
    });
    this.cache = new Counter({ name: 'gateway_cache_lookups_total', help: 'Answer cache lookups by level (l1, l2) and result (hit, miss).', labelNames: ['level', 'result'], registers });
    this.rateLimited = new Counter({ name: 'gateway_rate_limit_rejections_total', help: 'Requests refused by a rate limit.', registers });
    this.quotaRejected = new Counter({ name: 'gateway_quota_rejections_total', help: 'Requests refused by a hard quota, by quota.', labelNames: ['quota'], registers });
    this.errors = new Counter({ name: 'gateway_errors_total', help: 'Error answers by catalogue code.', labelNames: ['code'], registers });
    this.tokens = new Counter({ name: 'gateway_tokens_total', help: 'Tokens metered, by task, provider and direction (input, output).', labelNames: ['task', 'provider', 'direction', ...tenant], registers });
    this.cost = new Counter({ name: 'gateway_cost_micros_total', help: 'Cost metered in micro-units of the billing currency.', labelNames: ['task', 'provider', ...tenant], registers });
    this.webhooks = new Counter({ name: 'gateway_webhook_attempts_total', help: 'Webhook delivery attempts by outcome (succeeded, retry, dead).', labelNames: ['outcome'], registers });
    this.webhookSeconds = new Histogram({ name: 'gateway_webhook_attempt_duration_seconds', help: 'Webhook delivery attempt latency.', labelNames: ['outcome'], buckets: LATENCY_BUCKETS, registers });
    new Gauge({ name: 'gateway_ledger_backlog', help: 'Usage rows waiting to be written to the ledger.', registers, collect() { this.set(read().ledgerBacklog()); } });
    new Gauge({ name: 'gateway_recommender_tenants_loaded', help: 'Tenant recommender models in memory.', registers, collect() { this.set(read().recommender().tenants); } });
    new Gauge({ name: 'gateway_recommender_events', help: 'Events held by the tenant recommender models in memory.', registers, collect() { this.set(read().recommender().events); } });
    new Gauge({
      name: 'gateway_recommender_model_bytes',
      help: 'Estimated heap of the tenant recommender models in memory (bounded by recommendations.memory_budget_mb).',
      registers,
      collect() {
        this.set(read().recommender().bytes);
      },
    });
    new Gauge({
      name: 'gateway_recommender_strategy_tenants',
      help: 'Loaded tenant recommender models by the strategy they serve (chosen on their own held-out baskets).',
      labelNames: ['strategy'],
      registers,
      collect() {
        this.reset();
        for (const [strategy, n] of read().recommender().strategies) this.set({ strategy }, n);
      },
    });
    new Gauge({ name: 'gateway_outbox_backlog', help: 'Events waiting to be written to the outbox.', registers, collect() { this.set(read().outboxBacklog()); } });
  }

  request(method: string, route: string, statusCode: number, seconds: number, tenantId: string | undefined): void {
    const labels: Record<string, string | number> = { method, route, status_code: statusCode };
    if (this.tenantLabels) labels.tenant = tenantId ?? '';
    this.http.observe(labels, seconds);
  }

  providerAttempt(provider: string, task: string, outcome: string, seconds: number): void {
    this.attempts.inc({ provider, task, outcome });
    this.attemptSeconds.observe({ provider, task, outcome }, seconds);
    if (outcome !== 'ok') this.providerErrors.inc({ provider, failure: outcome });
  }

  cacheLookup(level: 'l1' | 'l2', hit: boolean): void {
    this.cache.inc({ level, result: hit ? 'hit' : 'miss' });
  }

  rateLimitRejection(): void {
    this.rateLimited.inc();
  }

  quotaRejection(quota: string): void {
    this.quotaRejected.inc({ quota });
  }

  error(code: string): void {
    this.errors.inc({ code });
  }

  /** Points the gauges at the parts they read (wiring calls it once everything is built). */
  watch(sources: MetricSources): void {
    this.sources = sources;
  }

  usage(task: string, provider: string, tenantId: string, inputTokens: number, outputTokens: number, costMicros: number): void {
    const tenant = this.tenantLabels ? { tenant: tenantId } : {};
    if (inputTokens > 0) this.tokens.inc({ task, provider, direction: 'input', ...tenant }, inputTokens);
    if (outputTokens > 0) this.tokens.inc({ task, provider, direction: 'output', ...tenant }, outputTokens);
    if (costMicros > 0) this.cost.inc({ task, provider, ...tenant }, costMicros);
  }

  webhookAttempt(outcome: string, seconds: number): void {
    this.webhooks.inc({ outcome });
    this.webhookSeconds.observe({ outcome }, seconds);
  }

  /** The text exposition format, for GET /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
