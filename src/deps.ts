import type { FastifyBaseLogger } from 'fastify';
import { connectionPools } from '../providers/kinds.js';
import type { Redis } from 'ioredis';
import { compileIpRules, type CompiledIpRules } from '../middleware/ip-rules.js';
import { buildProviders } from '../providers/factory.js';
import { HttpClient } from '../providers/http.js';
import type { Provider } from '../providers/provider.js';
import { openSqlRepositories } from '../repositories/sql/sql-repositories.js';
import type { NonceStore, OutboxEvent, RateLimitStore, Repositories } from '../repositories/types.js';
import type { BatchWriter } from './batch-writer.js';
import { openEventPath } from './events/event-path.js';
import type { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import type { WebhookEndpoints } from './webhooks/webhook-endpoints.js';
import { startWebhooks } from './webhooks/webhook-wiring.js';
import { systemResolver, type Resolver } from './webhooks/webhook-destination.js';
import { AuditLog } from './audit/audit-log.js';
import { LedgerSpool } from './billing/ledger-spool.js';
import { LedgerWriter } from './billing/ledger-writer.js';
import { pricingVersion } from './billing/pricing.js';
import { InvoiceService } from './billing/invoices.js';
import { BackgroundJobs } from './background-jobs.js';
import { ensureBootstrapAdminKey } from './bootstrap-admin.js';
import { QuotaService } from './billing/quota-service.js';
import type { Config } from './config.js';
import { TaskCache } from './cache/task-cache.js';
import { TaskDispatcher } from './dispatch.js';
import { TaskPipeline } from './pipeline/task-pipeline.js';
import { KnowledgeBase } from './knowledge/knowledge-base.js';
import { RecommendationService } from './recommendations/recommendation-service.js';
import { INPUT_RETENTION_MS, TaxonomyService } from './taxonomies/taxonomy-service.js';
import { ProviderBreakers } from './resilience/provider-breakers.js';
import type { EventBus } from './events/event-bus.js';
import { KeyService } from './keys/key-service.js';
import type { VaultSecrets } from './secrets/vault-secrets.js';
import { GatewayMetrics } from './observability/metrics.js';
import { openHotState } from './hot-state.js';
import { buildCipher, openSecrets } from './secrets/secret-wiring.js';

export interface Deps {
  config: Config;
  metrics: GatewayMetrics;
  clock: () => Date;
  repos: Repositories;
  providers: ReadonlyMap<string, Provider>;
  dispatcher: TaskDispatcher;
  /** Every task request's path: admission, cache, provider chain, metering and events. */
  pipeline: TaskPipeline;
  breakers: ProviderBreakers;
  keys: KeyService;
  nonces: NonceStore;
  rateLimits: RateLimitStore;
  audit: AuditLog;
  events: EventBus;
  /** Events without a transaction of their own, on their way into the outbox. */
  outbox: BatchWriter<OutboxEvent>;
  webhooks: WebhookEndpoints;
  webhookDispatcher: WebhookDispatcher;
  cache: TaskCache;
  taxonomies: TaxonomyService;
  recommender: RecommendationService;
  knowledge: KnowledgeBase;
  quotas: QuotaService;
  invoices: InvoiceService;
  /** Usage rows, batched into the ledger. */
  ledger: LedgerWriter;
  /** Names the price table in every ledger row. */
  pricingVersion: string;
  ipRules: CompiledIpRules;
  /** Set when REDIS_URL is: the request-path connection, for readiness. */
  redis: Redis | undefined;
  /** Set when provider secrets come from Vault. */
  secrets: VaultSecrets | undefined;
  /** Set when this boot generated the bootstrap admin key: show it once, then forget it. */
  generatedAdminKey: string | undefined;
  /** Set on SIGTERM (or close): readiness fails and answers end their keep-alive connections. */
  lifecycle: { draining: boolean };
  close(): Promise<void>;
}

export interface DepsOverrides {
  clock?: () => Date;
  /** Tests pass their own repositories (e.g. a PostgreSQL schema of their own). */
  repos?: Repositories;
  /** Webhook host names → addresses (tests play DNS tricks with it). */
  resolve?: Resolver;
}

/** Wires everything once: storage, hot state, secrets, providers, services. Nothing else constructs these. */
export async function createDeps(config: Config, logger: FastifyBaseLogger, overrides: DepsOverrides = {}): Promise<Deps> {
  const clock = overrides.clock ?? (() => new Date());
  const repos =
    overrides.repos ??
    (await openSqlRepositories({ url: config.storage.databaseUrl, dataDir: config.storage.databaseUrl ? undefined : config.storage.dataDir }));
  const hot = await openHotState(config, logger);
  const { vault, secrets } = await openSecrets(config, logger);
  const http = new HttpClient({ connectionsByOrigin: connectionPools(Object.values(config.providers)) });
  const { outbox, events, whenStored } = openEventPath({ repos, clock, log: logger });
  const recommender = new RecommendationService(repos.interactions, logger, config.recommendations, clock);
  const metrics = new GatewayMetrics({ tenantLabels: config.observability.metricsTenantLabels });
  const cache = new TaskCache({
    shared: hot.shared,
    bus: hot.bus,
    ttlMs: config.cache.ttlMs,
    l1MaxBytes: config.cache.l1MaxBytes,
    log: logger,
    observer: metrics,
    clock,
  });
  const taxonomies = new TaxonomyService({
    repo: repos.taxonomies,
    events,
    log: logger,
    clock,
    onRetrained: (tenantId) => cache.purge({ tenantId, task: 'categorize' }),
  });
  const knowledge = new KnowledgeBase(repos.knowledge, logger, (tenantId) => cache.purge({ tenantId, task: 'smart-response' }), clock);
  const providers = buildProviders(config.providers, { http, recommender, taxonomies, secrets });
  const audit = new AuditLog(repos.audit, clock);
  const ledger = new LedgerWriter(repos.usage, logger, config.storage.ledgerSpoolDir ? new LedgerSpool(config.storage.ledgerSpoolDir) : undefined);
  // Before anything reads the ledger: quota counters are seeded from it, so rows a killed process answered for count.
  await ledger.replay();
  const breakers = new ProviderBreakers(config.breakers, events, clock);
  const cipher = buildCipher(config, vault);
  const keys = new KeyService({
    events,
    keys: repos.keys,
    tenants: repos.tenants,
    cipher,
    bus: hot.bus,
    clock,
    onBackgroundError: (err) => logger.warn({ err }, 'background key update failed'),
  });
  const generatedAdminKey = await ensureBootstrapAdminKey(keys, audit, config.security.adminKey);
  const invoices = new InvoiceService(repos.invoices, repos.usage, config.plans, clock, events, (invoice) => {
    logger.info({ tenant: invoice.tenant_id, month: invoice.month, total_micros: invoice.total_micros }, 'invoice finalized');
  });
  const webhooks = await startWebhooks({ config: config.webhooks, repos, events, cipher, clock, log: logger, observer: metrics, resolve: overrides.resolve ?? systemResolver });
  whenStored(() => webhooks.dispatcher.wake());
  const jobs = new BackgroundJobs({ repos, invoices, clock, log: logger, inputRetentionMs: INPUT_RETENTION_MS, webhookRetentionDays: config.webhooks.retentionDays });
  jobs.start();
  const quotas = new QuotaService(hot.quotas, repos.usage, clock, logger, events, metrics);
  metrics.watch({ breakers: () => breakers.status(), ledgerBacklog: () => ledger.backlog, outboxBacklog: () => outbox.backlog, recommender: () => recommender.totals() });
  const taskDispatcher = new TaskDispatcher(config, providers, breakers, knowledge, metrics);
  const priceTable = pricingVersion(config.pricing);
  const pipeline = new TaskPipeline({ config, providers, dispatcher: taskDispatcher, cache, quotas, ledger, observer: metrics, webhooks: webhooks.endpoints, services: { taxonomies }, pricingVersion: priceTable, clock });
  return {
    config,
    metrics,
    clock,
    repos,
    providers,
    dispatcher: taskDispatcher,
    pipeline,
    breakers,
    keys,
    nonces: hot.nonces,
    rateLimits: hot.rateLimits,
    audit,
    ledger,
    events,
    outbox,
    webhooks: webhooks.endpoints,
    webhookDispatcher: webhooks.dispatcher,
    cache,
    taxonomies,
    recommender,
    knowledge,
    quotas,
    invoices,
    pricingVersion: priceTable,
    ipRules: compileIpRules(config.security.ipRules),
    redis: hot.redis,
    secrets,
    generatedAdminKey,
    lifecycle: { draining: false },
    async close() {
      jobs.stop();
      await taxonomies.idle();
      recommender.close();
      await ledger.close();
      await quotas.close();
      await webhooks.close();
      await outbox.close();
      await secrets?.close();
      await Promise.allSettled([...providers.values()].map((p) => p.close?.()));
      await http.close();
      await hot.close();
      await repos.close();
    },
  };
}
