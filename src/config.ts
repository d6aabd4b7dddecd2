import { Value } from 'typebox/value';
import { isValidRange } from '../middleware/ip-rules.js';
import { defaultPrices, kindPolicy, providerConfigs } from '../providers/kinds.js';
import type { ProviderConfig } from '../providers/provider.js';
import { readConfigFile, type ConfigFile, type FilledConfigFile } from './config/file-schema.js';
import { ConfigSchema, type Config } from './config/config-schema.js';
import { checkUrl, readEnvironment, type Env, type RawEnv } from './config/env-schema.js';
import { TASKS, byTask, type TaskName } from './tasks/index.js';

export type { Config, LogLevel, Plan, RateLimitConfig } from './config/config-schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function buildRouting(file: FilledConfigFile, providers: Record<string, ProviderConfig>, problems: string[]) {
  const routing = {} as Record<TaskName, string[]>;
  for (const task of TASKS) {
    const configured = file.routing?.[task];
    const chain = configured ?? Object.keys(providers).filter((name) => kindPolicy(providers[name]!).servesByDefault(task));
    for (const name of chain) if (!providers[name]) problems.push(`routing.${task}: unknown provider "${name}"`);
    routing[task] = chain;
  }
  return routing;
}

function buildVault(file: FilledConfigFile, env: Env, providers: Record<string, ProviderConfig>, problems: string[]): Config['vault'] {
  const wantsVault = Object.values(providers).some((p) => kindPolicy(p).secrets.length > 0) || file.vault.transit_key;
  if (!env.VAULT_ADDR || !env.VAULT_TOKEN) {
    if (wantsVault) problems.push('vault: api_key_vault or vault.transit_key need VAULT_ADDR and VAULT_TOKEN');
    return undefined;
  }
  const v = file.vault;
  return {
    addr: env.VAULT_ADDR,
    token: env.VAULT_TOKEN,
    kvMount: v.kv_mount,
    refreshMs: v.refresh_seconds * 1000,
    transit: v.transit_key ? { mount: v.transit_mount, key: v.transit_key } : undefined,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const window = (w: { per_second?: number | undefined; per_minute?: number | undefined }) => ({ perSecond: w.per_second, perMinute: w.per_minute });

/** The file's and the environment's settings in the shape the gateway reads; each value comes from one place. */
function settings(env: Env, f: FilledConfigFile): Omit<Config, 'providers' | 'routing' | 'vault' | 'security'> {
  const r = f.recommendations;
  const w = f.webhooks;
  return {
    server: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: f.limits.body_limit_bytes,
      maxHeaderBytes: f.limits.max_header_bytes,
      trustProxy: env.TRUST_PROXY.split(',').map((s) => s.trim()).filter(Boolean),
      logLevel: env.LOG_LEVEL,
    },
    storage: {
      dataDir: env.DATA_DIR,
      ledgerSpoolDir: env.LEDGER_SPOOL_DIR === 'off' ? undefined : (env.LEDGER_SPOOL_DIR ?? `${env.DATA_DIR}/ledger-spool`),
      databaseUrl: env.DATABASE_URL,
      redisUrl: env.REDIS_URL,
    },
    rateLimits: { perKey: window(f.rate_limits.per_key), perTenant: window(f.rate_limits.per_tenant), fallbackInstances: f.rate_limits.fallback_instances },
    loadShedding: { maxEventLoopDelayMs: f.load_shedding.max_event_loop_delay_ms, sampleIntervalMs: f.load_shedding.sample_interval_ms },
    retries: { maxAttempts: f.retries.max_attempts, baseMs: f.retries.base_ms, maxDelayMs: f.retries.max_delay_ms },
    breakers: {
      errorThresholdPercent: f.breakers.error_threshold_percent,
      volumeThreshold: f.breakers.volume_threshold,
      windowMs: f.breakers.window_seconds * 1000,
      resetMs: Math.round(f.breakers.reset_seconds * 1000),
      minFailingTenants: f.breakers.min_failing_tenants,
    },
    cache: { l1MaxBytes: f.cache.l1_max_bytes, ttlMs: byTask((d) => f.cache.ttl_seconds[d.name] * 1000) },
    recommendations: {
      pollMs: r.poll_ms,
      rebuildDelayMs: r.rebuild_delay_ms,
      memoryBudgetBytes: r.memory_budget_mb * 1024 * 1024,
      eventsPerMinute: r.events_per_minute,
      idleUnloadMs: Math.round(r.idle_unload_minutes * 60_000),
      model: {
        neighbours: r.neighbours,
        historyCap: r.history_cap,
        historySeeds: r.history_seeds,
        interestHalfLifeMs: Math.round(r.interest_half_life_hours * 3_600_000),
        popularityHalfLifeMs: Math.round(r.popularity_half_life_hours * 3_600_000),
        maxEvents: r.max_events,
        maxUsers: r.max_users,
        maxItems: r.max_items,
        maxItemsPerUser: r.max_items_per_user,
      },
    },
    webhooks: {
      allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true',
      timeoutMs: w.timeout_ms,
      maxConcurrency: w.max_concurrency,
      endpointConcurrency: w.endpoint_concurrency,
      tenantConcurrency: w.tenant_concurrency ?? Math.max(1, Math.floor(w.max_concurrency / 4)),
      pollMs: w.poll_ms,
      retentionDays: w.retention_days,
    },
    observability: {
      metricsListener: env.METRICS_PORT === undefined ? undefined : { host: env.METRICS_HOST ?? env.HOST, port: env.METRICS_PORT },
      metricsTenantLabels: env.METRICS_TENANT_LABELS === 'true',
      shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    },
    plans: Object.fromEntries(
      Object.entries(f.plans).map(([name, p]) => [
        name,
        { monthlyFeeMicros: p.monthly_fee_micros, includedRequests: p.included_requests ?? 0, overagePerRequestMicros: p.overage_per_request_micros ?? 0, markupPercent: p.markup_percent ?? 0 },
      ]),
    ),
    tasks: byTask((d) => ({ timeoutMs: f.tasks[d.name].timeout_ms })),
    pricing: {
      models: {
        ...defaultPrices(),
        ...Object.fromEntries(
          Object.entries(f.pricing.models).map(([key, p]) => [key, { inputPerMillionMicros: p.input_per_million_micros, outputPerMillionMicros: p.output_per_million_micros }]),
        ),
      },
      localPerRequestMicros: byTask((d) => f.pricing.local_per_request_micros[d.name]),
    },
  };
}

/**
 * Reads the environment (and the GATEWAY_CONFIG file, or `file` when given: a path or parsed content) once,
 * validates everything, and either returns a frozen Config or throws one ConfigError listing every problem.
 */
export function loadConfig(raw: RawEnv, file?: string | ConfigFile): Config {
  const problems: string[] = [];
  const source = file ?? raw.GATEWAY_CONFIG;
  const content = readConfigFile(source, problems);
  const env = readEnvironment(raw, problems);
  // Each variable is checked once, however many provider kinds read it: a bad value is one problem, not one per reader.
  const checked = new Map<string, string | undefined>();
  const url = (variable: string) => {
    if (!checked.has(variable)) checked.set(variable, checkUrl(raw, variable, ['http:', 'https:'], problems));
    return checked.get(variable);
  };
  const providers = providerConfigs(content.providers ?? {}, { env: raw, problems, url });
  const vault = buildVault(content, env, providers, problems);
  if (env.DATABASE_URL && !env.GATEWAY_MASTER_KEY && !vault?.transit) {
    problems.push('GATEWAY_MASTER_KEY: required with DATABASE_URL (every instance must decrypt the same secrets), unless vault.transit_key is set');
  }
  const ipRules = content.ip_rules;
  for (const entry of [...ipRules.allow, ...ipRules.deny]) if (!isValidRange(entry)) problems.push(`ip_rules: "${entry}" is not an IP address or CIDR`);
  const routing = buildRouting(content, providers, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const config: Config = {
    ...settings(env, content),
    security: { adminKey: env.GATEWAY_ADMIN_KEY, masterKey: env.GATEWAY_MASTER_KEY, ipRules },
    vault,
    providers,
    routing,
  };
  // A mapping slip is a bug here, not a problem in the operator's configuration.
  if (!Value.Check(ConfigSchema, config)) throw new Error(`loadConfig built an invalid Config: ${[...Value.Errors(ConfigSchema, config)][0]?.instancePath}`);
  return deepFreeze(config);
}
