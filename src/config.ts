import { readFileSync } from 'node:fs';
import { kindPolicy, providerConfigs } from '../providers/kinds.js';
import { DEFAULT_OPENAI_MODEL } from '../providers/openai/config.js';
import { isValidRange } from '../middleware/ip-rules.js';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import type { ProviderConfig } from '../providers/provider.js';
import { TASKS, type TaskName } from './tasks/index.js';
import { ConfigFileSchema, type ConfigFile } from './config-file-schema.js';
import { parseKey } from './keys/api-key.js';
import { DEFAULT_RECOMMENDER_OPTIONS } from '../providers/local/recommendations/tenant-model.js';
import { DEFAULT_SERVICE_OPTIONS, type RecommendationServiceOptions } from './recommendations/recommendation-service.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ModelPrice {
  inputPerMillionMicros: number;
  outputPerMillionMicros: number;
}

export interface Config {
  server: { host: string; port: number; bodyLimitBytes: number; maxHeaderBytes: number; trustProxy: string[]; logLevel: LogLevel };
  storage: {
    dataDir: string;
    databaseUrl: string | undefined;
    redisUrl: string | undefined;
    /** Where usage rows are spooled before each answer (survives kill -9); undefined = no spool. */
    ledgerSpoolDir: string | undefined;
  };
  security: {
    adminKey: string | undefined;
    /** 32 bytes, base64; absent in embedded mode means "generate into DATA_DIR". */
    masterKey: string | undefined;
    ipRules: { allow: string[]; deny: string[] };
  };
  vault: VaultConfig | undefined;
  rateLimits: RateLimitConfig;
  plans: Record<string, Plan>;
  cache: { l1MaxBytes: number; ttlMs: Record<TaskName, number> };
  recommendations: RecommendationServiceOptions;
  retries: { maxAttempts: number; baseMs: number; maxDelayMs: number };
  loadShedding: { maxEventLoopDelayMs: number; sampleIntervalMs: number };
  breakers: { errorThresholdPercent: number; volumeThreshold: number; windowMs: number; resetMs: number; minFailingTenants: number };
  webhooks: WebhookConfig;
  observability: ObservabilityConfig;
  providers: Record<string, ProviderConfig>;
  routing: Record<TaskName, string[]>;
  tasks: Record<TaskName, { timeoutMs: number }>;
  pricing: { models: Record<string, ModelPrice>; localPerRequestMicros: Record<TaskName, number> };
}

export interface ObservabilityConfig {
  /** A second listener serving only GET /metrics, without authentication (keep it on a private network). */
  metricsListener: { host: string; port: number } | undefined;
  /** A `tenant` label on request, token and cost series (one series per tenant: only where tenants are few). */
  metricsTenantLabels: boolean;
  /**
   * After SIGTERM, how long to keep serving while readiness fails, before the listener closes: the time a load balancer
   * or Kubernetes needs to stop sending new requests here.
   */
  shutdownDrainMs: number;
  /** After the drain: how long in-flight requests get before the process exits anyway. */
  shutdownGraceMs: number;
}

export interface WebhookConfig {
  /** Loopback and private networks reachable (tests, local development); link-local never. */
  allowPrivateNetworks: boolean;
  timeoutMs: number;
  maxConcurrency: number;
  endpointConcurrency: number;
  /** Deliveries one tenant may have in flight per instance. */
  tenantConcurrency: number;
  pollMs: number;
  /** Finished deliveries and their events are kept this long for the log and redelivery. */
  retentionDays: number;
}

export interface Plan {
  monthlyFeeMicros: number;
  includedRequests: number;
  overagePerRequestMicros: number;
  markupPercent: number;
}

export interface RateLimitConfig {
  perKey: { perSecond: number | undefined; perMinute: number | undefined };
  perTenant: { perSecond: number | undefined; perMinute: number | undefined };
  fallbackInstances: number;
}

export interface VaultConfig {
  addr: string;
  token: string;
  kvMount: string;
  refreshMs: number;
  transit: { mount: string; key: string } | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const DEFAULT_TASK_TIMEOUT_MS: Record<TaskName, number> = {
  sentiment: 10_000,
  categorize: 10_000,
  'smart-response': 30_000,
  recommendations: 5_000,
};
/** Recommendations follow fresh events, so they are not cached unless configured. */
const DEFAULT_CACHE_TTL_S: Record<TaskName, number> = { sentiment: 86_400, categorize: 86_400, 'smart-response': 3_600, recommendations: 0 };
const DEFAULT_PRICES: Record<string, ModelPrice> = {
  [`openai/${DEFAULT_OPENAI_MODEL}`]: { inputPerMillionMicros: 150_000, outputPerMillionMicros: 600_000 },
};

function readFile(path: string, problems: string[]): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`GATEWAY_CONFIG: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return {};
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    problems.push(`GATEWAY_CONFIG: ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
}

function checkFile(raw: unknown, problems: string[]): ConfigFile {
  const content = raw ?? {};
  if (Value.Check(ConfigFileSchema, content)) return content;
  for (const e of Value.Errors(ConfigFileSchema, content)) {
    problems.push(`config file${e.instancePath.replaceAll('/', '.') || ' (root)'}: ${e.message}`);
  }
  return {};
}

function int(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name}: must be an integer from ${min} to ${max}`);
    return fallback;
  }
  return n;
}

/** "true" or "false"; unset means false. */
function flag(env: Env, name: string, problems: string[]): boolean {
  const raw = env[name] ?? 'false';
  if (raw !== 'true' && raw !== 'false') problems.push(`${name}: must be true or false`);
  return raw === 'true';
}

function url(env: Env, name: string, protocols: string[], problems: string[]): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  try {
    const parsed = new URL(raw);
    if (protocols.includes(parsed.protocol)) return raw;
  } catch {
    // reported below
  }
  problems.push(`${name}: must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  return undefined;
}

function readEnv(env: Env, problems: string[]) {
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}`);
  const trustProxy = (env.TRUST_PROXY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of trustProxy) if (!isValidRange(entry)) problems.push(`TRUST_PROXY: "${entry}" is not an IP address or CIDR`);
  const adminKey = env.GATEWAY_ADMIN_KEY || undefined;
  if (adminKey && parseKey(adminKey)?.prefix !== 'gwa') {
    problems.push('GATEWAY_ADMIN_KEY: must be an admin key (gwa_live_… or gwa_test_…) with a valid checksum');
  }
  const masterKey = env.GATEWAY_MASTER_KEY || undefined;
  if (masterKey && Buffer.from(masterKey, 'base64').length !== 32) problems.push('GATEWAY_MASTER_KEY: must be 32 bytes, base64');
  const allowPrivate = flag(env, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS', problems);
  const tenantLabels = flag(env, 'METRICS_TENANT_LABELS', problems);
  const metricsPort = env.METRICS_PORT ? int(env, 'METRICS_PORT', 0, 0, 65_535, problems) : undefined;
  const vaultAddr = url(env, 'VAULT_ADDR', ['http:', 'https:'], problems);
  if (Boolean(vaultAddr) !== Boolean(env.VAULT_TOKEN)) problems.push('VAULT_ADDR and VAULT_TOKEN: set both or neither');
  return {
    server: {
      host: env.HOST || '127.0.0.1',
      port: int(env, 'PORT', 8080, 0, 65_535, problems),
      trustProxy,
      logLevel,
    },
    storage: {
      dataDir: env.DATA_DIR || './data',
      ledgerSpoolDir: env.LEDGER_SPOOL_DIR === 'off' ? undefined : env.LEDGER_SPOOL_DIR || `${env.DATA_DIR || './data'}/ledger-spool`,
      databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], problems),
      redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], problems),
    },
    security: { adminKey, masterKey },
    vaultAccess: vaultAddr && env.VAULT_TOKEN ? { addr: vaultAddr, token: env.VAULT_TOKEN } : undefined,
    webhooks: { allowPrivateNetworks: allowPrivate },
    observability: {
      metricsListener: metricsPort === undefined ? undefined : { host: env.METRICS_HOST || env.HOST || '127.0.0.1', port: metricsPort },
      metricsTenantLabels: tenantLabels,
      shutdownDrainMs: int(env, 'SHUTDOWN_DRAIN_MS', 0, 0, 600_000, problems),
      shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000, problems),
    },
  };
}

function buildProviders(file: ConfigFile, env: Env, problems: string[]) {
  // Each variable is checked once, however many providers read it: a bad value is one problem, not one per reader.
  const checked = new Map<string, string | undefined>();
  const readUrl = (variable: string) => {
    if (!checked.has(variable)) checked.set(variable, url(env, variable, ['http:', 'https:'], problems));
    return checked.get(variable);
  };
  const ctx = { env, problems, url: readUrl };
  return providerConfigs(file.providers ?? {}, ctx);
}

function buildRouting(file: ConfigFile, providers: Record<string, ProviderConfig>, problems: string[]) {
  const routing = {} as Record<TaskName, string[]>;
  for (const task of TASKS) {
    const configured = file.routing?.[task];
    const chain =
      configured ??
      Object.entries(providers)
        .filter(([, p]) => kindPolicy(p).servesByDefault(task))
        .map(([name]) => name);
    for (const name of chain) if (!providers[name]) problems.push(`routing.${task}: unknown provider "${name}"`);
    routing[task] = chain;
  }
  return routing;
}

function buildVault(file: ConfigFile, access: { addr: string; token: string } | undefined, providers: Record<string, ProviderConfig>, problems: string[]) {
  const wantsVault = Object.values(providers).some((p) => kindPolicy(p).secrets.length > 0) || file.vault?.transit_key;
  if (!access) {
    if (wantsVault) problems.push('vault: api_key_vault or vault.transit_key need VAULT_ADDR and VAULT_TOKEN');
    return undefined;
  }
  const v = file.vault ?? {};
  return {
    ...access,
    kvMount: v.kv_mount ?? 'secret',
    refreshMs: (v.refresh_seconds ?? 300) * 1000,
    transit: v.transit_key ? { mount: v.transit_mount ?? 'transit', key: v.transit_key } : undefined,
  };
}

function buildIpRules(file: ConfigFile, problems: string[]) {
  const rules = { allow: file.ip_rules?.allow ?? [], deny: file.ip_rules?.deny ?? [] };
  for (const entry of [...rules.allow, ...rules.deny]) {
    if (!isValidRange(entry)) problems.push(`ip_rules: "${entry}" is not an IP address or CIDR`);
  }
  return rules;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads the environment (and the GATEWAY_CONFIG file, or `file` when given: a path or parsed content) once,
 * validates everything, and either returns a frozen Config or throws one ConfigError listing every problem.
 */
export function loadConfig(env: Env, file?: string | ConfigFile): Config {
  const problems: string[] = [];
  const source = file ?? env.GATEWAY_CONFIG;
  const content = checkFile(typeof source === 'string' ? readFile(source, problems) : source, problems);
  const { vaultAccess, ...base } = readEnv(env, problems);
  const providers = buildProviders(content, env, problems);
  const vault = buildVault(content, vaultAccess, providers, problems);
  if (base.storage.databaseUrl && !base.security.masterKey && !vault?.transit) {
    problems.push('GATEWAY_MASTER_KEY: required with DATABASE_URL (every instance must decrypt the same secrets), unless vault.transit_key is set');
  }
  const ipRules = buildIpRules(content, problems);
  const routing = buildRouting(content, providers, problems);
  const tasks = Object.fromEntries(
    TASKS.map((t) => [t, { timeoutMs: content.tasks?.[t]?.timeout_ms ?? DEFAULT_TASK_TIMEOUT_MS[t] }]),
  ) as Config['tasks'];
  const models = { ...DEFAULT_PRICES };
  for (const [key, p] of Object.entries(content.pricing?.models ?? {})) {
    models[key] = { inputPerMillionMicros: p.input_per_million_micros, outputPerMillionMicros: p.output_per_million_micros };
  }
  const localPerRequestMicros = Object.fromEntries(
    TASKS.map((t) => [t, content.pricing?.local_per_request_micros?.[t] ?? 0]),
  ) as Config['pricing']['localPerRequestMicros'];
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze({
    ...base,
    server: {
      ...base.server,
      bodyLimitBytes: content.limits?.body_limit_bytes ?? 1024 * 1024,
      maxHeaderBytes: content.limits?.max_header_bytes ?? 16 * 1024,
    },
    security: { ...base.security, ipRules },
    vault,
    rateLimits: {
      perKey: { perSecond: content.rate_limits?.per_key?.per_second, perMinute: content.rate_limits?.per_key?.per_minute },
      perTenant: { perSecond: content.rate_limits?.per_tenant?.per_second, perMinute: content.rate_limits?.per_tenant?.per_minute },
      fallbackInstances: content.rate_limits?.fallback_instances ?? 2,
    },
    loadShedding: {
      maxEventLoopDelayMs: content.load_shedding?.max_event_loop_delay_ms ?? 1_000,
      sampleIntervalMs: content.load_shedding?.sample_interval_ms ?? 1_000,
    },
    retries: {
      maxAttempts: content.retries?.max_attempts ?? 2,
      baseMs: content.retries?.base_ms ?? 100,
      maxDelayMs: content.retries?.max_delay_ms ?? 2_000,
    },
    breakers: {
      errorThresholdPercent: content.breakers?.error_threshold_percent ?? 50,
      volumeThreshold: content.breakers?.volume_threshold ?? 20,
      windowMs: (content.breakers?.window_seconds ?? 30) * 1000,
      resetMs: Math.round((content.breakers?.reset_seconds ?? 30) * 1000),
      minFailingTenants: content.breakers?.min_failing_tenants ?? 2,
    },
    cache: {
      l1MaxBytes: content.cache?.l1_max_bytes ?? 64 * 1024 * 1024,
      ttlMs: Object.fromEntries(TASKS.map((t) => [t, (content.cache?.ttl_seconds?.[t] ?? DEFAULT_CACHE_TTL_S[t]) * 1000])) as Record<TaskName, number>,
    },
    recommendations: recommenderConfig(content.recommendations),
    webhooks: {
      ...base.webhooks,
      timeoutMs: content.webhooks?.timeout_ms ?? 15_000,
      maxConcurrency: content.webhooks?.max_concurrency ?? 64,
      endpointConcurrency: content.webhooks?.endpoint_concurrency ?? 8,
      tenantConcurrency: content.webhooks?.tenant_concurrency ?? Math.max(1, Math.floor((content.webhooks?.max_concurrency ?? 64) / 4)),
      pollMs: content.webhooks?.poll_ms ?? 1_000,
      retentionDays: content.webhooks?.retention_days ?? 30,
    },
    plans: Object.fromEntries(
      Object.entries(content.plans ?? {}).map(([name, p]) => [
        name,
        {
          monthlyFeeMicros: p.monthly_fee_micros,
          includedRequests: p.included_requests ?? 0,
          overagePerRequestMicros: p.overage_per_request_micros ?? 0,
          markupPercent: p.markup_percent ?? 0,
        },
      ]),
    ),
    providers,
    routing,
    tasks,
    pricing: { models, localPerRequestMicros },
  });
}

function recommenderConfig(r: ConfigFile['recommendations']): RecommendationServiceOptions {
  const model = DEFAULT_RECOMMENDER_OPTIONS;
  const hours = (h: number | undefined, fallbackMs: number) => (h === undefined ? fallbackMs : Math.round(h * 3_600_000));
  return {
    pollMs: r?.poll_ms ?? DEFAULT_SERVICE_OPTIONS.pollMs,
    rebuildDelayMs: r?.rebuild_delay_ms ?? DEFAULT_SERVICE_OPTIONS.rebuildDelayMs,
    memoryBudgetBytes: r?.memory_budget_mb === undefined ? DEFAULT_SERVICE_OPTIONS.memoryBudgetBytes : r.memory_budget_mb * 1024 * 1024,
    eventsPerMinute: r?.events_per_minute ?? DEFAULT_SERVICE_OPTIONS.eventsPerMinute,
    idleUnloadMs: r?.idle_unload_minutes === undefined ? DEFAULT_SERVICE_OPTIONS.idleUnloadMs : Math.round(r.idle_unload_minutes * 60_000),
    model: {
      neighbours: r?.neighbours ?? model.neighbours,
      historyCap: r?.history_cap ?? model.historyCap,
      historySeeds: r?.history_seeds ?? model.historySeeds,
      interestHalfLifeMs: hours(r?.interest_half_life_hours, model.interestHalfLifeMs),
      popularityHalfLifeMs: hours(r?.popularity_half_life_hours, model.popularityHalfLifeMs),
      maxEvents: r?.max_events ?? model.maxEvents,
      maxUsers: r?.max_users ?? model.maxUsers,
      maxItems: r?.max_items ?? model.maxItems,
      maxItemsPerUser: r?.max_items_per_user ?? model.maxItemsPerUser,
    },
  };
}
