import { readFileSync } from 'node:fs';
import { Type, type Static, type TProperties, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { ProviderFileEntry } from '../../providers/kinds.js';
import { DEFAULT_RECOMMENDER_OPTIONS as MODEL } from '../../providers/local/recommendations/recommender-options.js';
import { DEFAULT_SERVICE_OPTIONS as SERVICE } from '../recommendations/recommendation-service.js';
import { TASKS, perTask, taskDescriptor } from '../tasks/index.js';
import type { TaskDescriptor } from '../tasks/task-descriptor.js';

const ProviderName = Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' });
const Micros = Type.Integer({ minimum: 0 });
const Int = (minimum: number, maximum: number, fallback?: number) => Type.Integer({ minimum, maximum, ...(fallback === undefined ? {} : { default: fallback }) });
const Num = (minimum: number, maximum: number, fallback: number) => Type.Number({ minimum, maximum, default: fallback });
const Name = (fallback?: string) => Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', ...(fallback === undefined ? {} : { default: fallback }) });
/** A section: absent means every default inside it. */
const Section = <P extends TProperties>(properties: P) => Type.Object(properties, { additionalProperties: false, default: {} });
/** One entry per task, each defaulting from the task's descriptor. */
const EachTask = <S extends TSchema>(schema: (task: TaskDescriptor) => S) =>
  Type.Object(Object.fromEntries(TASKS.map((t) => [t, schema(taskDescriptor(t))])) as Record<(typeof TASKS)[number], S>, { additionalProperties: false, default: {} });

const IpList = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000, default: [] });
const RateLimits = Section({ per_second: Type.Optional(Int(1, 1_000_000)), per_minute: Type.Optional(Int(1, 60_000_000)) });
const ModelPrice = Type.Object({ input_per_million_micros: Micros, output_per_million_micros: Micros }, { additionalProperties: false });
const hours = (ms: number) => ms / 3_600_000;

/**
 * The optional GATEWAY_CONFIG file (YAML or JSON). Every section is optional, and every default is written here once
 * (the task defaults in the tasks' descriptors, the recommender's beside its model): loadConfig fills them in before
 * checking the file.
 */
export const ConfigFileSchema = Type.Object(
  {
    providers: Type.Optional(Type.Record(ProviderName, ProviderFileEntry)),
    routing: Type.Optional(perTask(Type.Array(ProviderName, { minItems: 1, maxItems: 16 }))),
    tasks: EachTask((d) => Section({ timeout_ms: Int(100, 60_000, d.timeoutMs) })),
    pricing: Section({
      /** Keyed `<provider>/<model>`, e.g. `openai/gpt-4o-mini`; added to the kinds' own prices. */
      models: Type.Record(Type.String({ minLength: 3 }), ModelPrice, { default: {} }),
      local_per_request_micros: EachTask(() => Type.Integer({ minimum: 0, default: 0 })),
    }),
    limits: Section({ body_limit_bytes: Int(1024, 10 * 1024 * 1024, 1024 * 1024), max_header_bytes: Int(4096, 65_536, 16 * 1024) }),
    /** Load shedding: 503 OVERLOADED while the event loop lags more than this (0 = off). */
    load_shedding: Section({
      max_event_loop_delay_ms: Int(0, 60_000, 1_000),
      /** Several event-loop samples (10 ms apart) must fit in one interval, or the lag reads as unknown. */
      sample_interval_ms: Int(50, 10_000, 1_000),
    }),
    /** Retries on the same provider before falling through: 5xx, connection errors and 429 only. */
    retries: Section({ max_attempts: Int(1, 10, 2), base_ms: Int(1, 60_000, 100), max_delay_ms: Int(1, 60_000, 2_000) }),
    /** Webhook delivery (the retry schedule is the contract's and not configurable). */
    webhooks: Section({
      timeout_ms: Int(100, 60_000, 15_000),
      max_concurrency: Int(1, 1_000, 64),
      endpoint_concurrency: Int(1, 100, 8),
      /** Deliveries one tenant may have in flight per instance (default: a quarter of max_concurrency). */
      tenant_concurrency: Type.Optional(Int(1, 10_000)),
      poll_ms: Int(50, 60_000, 1_000),
      retention_days: Int(1, 3_650, 30),
    }),
    /** Circuit breakers per provider and model. */
    breakers: Section({
      error_threshold_percent: Int(1, 100, 50),
      volume_threshold: Int(1, 100_000, 20),
      window_seconds: Int(1, 3_600, 30),
      reset_seconds: Num(0.1, 3_600, 30),
      /** Failures must come from this many tenants (or every tenant that called) before a shared breaker opens. */
      min_failing_tenants: Int(1, 1_000, 2),
    }),
    cache: Section({
      l1_max_bytes: Int(0, 8 * 1024 * 1024 * 1024, 64 * 1024 * 1024),
      /** Per task; 0 turns caching off for that task. */
      ttl_seconds: EachTask((d) => Int(0, 30 * 86_400, d.cacheTtlSeconds)),
    }),
    /** The local recommender. */
    recommendations: Section({
      neighbours: Int(1, 500, MODEL.neighbours),
      history_cap: Int(1, 10_000, MODEL.historyCap),
      history_seeds: Int(1, 1_000, MODEL.historySeeds),
      interest_half_life_hours: Num(0.01, 87_600, hours(MODEL.interestHalfLifeMs)),
      popularity_half_life_hours: Num(0.01, 87_600, hours(MODEL.popularityHalfLifeMs)),
      poll_ms: Int(100, 600_000, SERVICE.pollMs),
      rebuild_delay_ms: Int(0, 600_000, SERVICE.rebuildDelayMs),
      max_events: Int(1, 20_000_000, MODEL.maxEvents),
      max_users: Int(1, 5_000_000, MODEL.maxUsers),
      max_items: Int(1, 2_000_000, MODEL.maxItems),
      max_items_per_user: Int(1, 100_000, MODEL.maxItemsPerUser),
      memory_budget_mb: Int(1, 1_000_000, SERVICE.memoryBudgetBytes / (1024 * 1024)),
      idle_unload_minutes: Num(0.01, 525_600, SERVICE.idleUnloadMs / 60_000),
      events_per_minute: Int(1000, 100_000_000, SERVICE.eventsPerMinute),
    }),
    /** Billing plans tenants can be put on (PATCH /admin/tenants/{id} `plan`). */
    plans: Type.Record(
      Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }),
      Type.Object(
        {
          monthly_fee_micros: Micros,
          /** Absent: 0 (defaults inside a map are filled by loadConfig, not by the schema). */
          included_requests: Type.Optional(Micros),
          overage_per_request_micros: Type.Optional(Micros),
          markup_percent: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
        },
        { additionalProperties: false },
      ),
      { default: {} },
    ),
    rate_limits: Section({
      per_key: RateLimits,
      per_tenant: RateLimits,
      /** With Redis unreachable, each instance admits limit ÷ this many locally. */
      fallback_instances: Int(1, 1000, 2),
    }),
    /** Gateway-wide rules, checked before any tenant or key rule. */
    ip_rules: Section({ allow: IpList, deny: IpList }),
    vault: Section({
      kv_mount: Name('secret'),
      refresh_seconds: Int(5, 86_400, 300),
      /** Encrypt signing secrets with Vault Transit instead of GATEWAY_MASTER_KEY. */
      transit_key: Type.Optional(Name()),
      transit_mount: Name('transit'),
    }),
  },
  { additionalProperties: false },
);

/** The file once its defaults are filled in. */
export type FilledConfigFile = Static<typeof ConfigFileSchema>;

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
/** What a file (or a test) may write: any part of it. */
export type ConfigFile = DeepPartial<FilledConfigFile>;

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

/** The file with its defaults filled in, or every default when it has problems (they are reported). */
function checkFile(raw: unknown, problems: string[]): FilledConfigFile {
  const content = Value.Default(ConfigFileSchema, structuredClone(raw ?? {}));
  if (Value.Check(ConfigFileSchema, content)) return content;
  for (const e of Value.Errors(ConfigFileSchema, content)) {
    problems.push(`config file${e.instancePath.replaceAll('/', '.') || ' (root)'}: ${e.message}`);
  }
  return Value.Default(ConfigFileSchema, {}) as FilledConfigFile;
}

/** The GATEWAY_CONFIG file (a path, or content already parsed) read and checked, its defaults filled in. */
export function readConfigFile(source: string | ConfigFile | undefined, problems: string[]): FilledConfigFile {
  return checkFile(typeof source === 'string' ? readFile(source, problems) : source, problems);
}
